/** Remote agents' entries in the contract: which `gapscope agent`s this back end attaches to, and their state. */
import { z } from 'zod';
import { parseIPv4, parseIPv6 } from '../net/address';
import { event, request } from './define';

/** An agent's address as the user types it: host:port, [v6]:port, or ws://host:port (the /api path is added). */
const agentAddress = z
  .string()
  .trim()
  .min(1, 'must be given')
  .max(300)
  .transform((text, ctx) => {
    const url = agentUrl(text);
    if (url === null) {
      ctx.addIssue({ code: 'custom', message: 'is not an agent address: write host:port (e.g. 10.0.0.5:9464) or ws://host:port' });
      return z.NEVER;
    }
    return url;
  });

/** The ws:// URL of an agent's API for what the user typed, or null when it is not host:port or a ws:// URL (written by hand: shared/ has no URL class). */
export function agentUrl(text: string): string | null {
  const m = /^(?:ws:\/\/)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})(?:\/api|\/)?$/i.exec(text.trim());
  if (!m) return null;
  const host = m[1] ?? '';
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return null;
  if (host.startsWith('[')) {
    if (parseIPv6(host.slice(1, -1)) === null) return null;
  } else if (/^[0-9.]+$/.test(host)) {
    if (parseIPv4(host) === null) return null;
  } else if (!/^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(host)) return null;
  return `ws://${host.toLowerCase()}:${port}/api`;
}

/** An agent's name as the page labels its streams with. */
const agentName = z
  .string()
  .trim()
  .min(1, 'must be given')
  .max(40, 'must be at most 40 characters')
  .regex(/^[\p{L}\p{N} ._-]+$/u, { message: 'may hold letters, digits, spaces, dots, dashes and underscores only' });

/** What the user gives to attach an agent; the token is the agent's API token (never sent back). */
export const AttachAgentSchema = z
  .object({
    name: agentName,
    address: agentAddress,
    token: z.string().min(1, 'must be given').max(512, 'must be at most 512 characters').regex(/^[\x21-\x7e]+$/, { message: 'must be printable characters without spaces' }),
  })
  .strict();
/** An attach request as the page writes it. */
export type AttachAgentInput = z.input<typeof AttachAgentSchema>;
/** An attach request after the door. */
export type AttachAgent = z.output<typeof AttachAgentSchema>;

/** An attached agent's id: the namespace its streams' ids carry after the '@'. */
export const agentId = z.string().regex(/^[a-z0-9]{1,12}$/, 'is not an agent id');

/** Where the link to an agent stands: connecting until its first answer, then connected, or unreachable (and tried again) until it answers again. */
export type AgentLinkState = 'connecting' | 'connected' | 'unreachable';

/** An attached agent as the page sees it: never its token. */
export interface AgentInfo {
  id: string;
  name: string;
  /** The agent's API as a ws:// URL. */
  url: string;
  state: AgentLinkState;
  /** Why it is unreachable (or was, while it tries again), in the user's words; null when connected. */
  reason: string | null;
  /** When the next try is due (ms since the epoch), while unreachable; null while it tries (or is connected). */
  retryAt: number | null;
  /** The agent's streams now (0 until connected). */
  streams: number;
}

/** Agents' requests: attach, detach, list. */
export const agentsRequests = {
  /** Attaches an agent and keeps trying to reach it; its streams join the stream list as `<id>@<agent id>`. */
  attachAgent: request(z.tuple([AttachAgentSchema])).returns<AgentInfo>(),
  /** Detaches an agent: its streams leave the list (the agent itself keeps running). */
  detachAgent: request(z.tuple([agentId])).returns<void>(),
  /** The attached agents and their state. */
  listAgents: request(z.tuple([])).returns<AgentInfo[]>(),
};

/** Agents' events. */
export const agentsEvents = {
  /** An agent was attached, changed state, or (with `detached`) was detached. */
  agentState: event<AgentInfo & { detached?: boolean }>(),
};
