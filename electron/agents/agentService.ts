/**
 * Remote agents as a feature: the agents this back end attaches to (saved in agents.json in the
 * data folder, which Gapscope made), and their streams beside the local ones. An agent's stream is
 * `<its id on the agent>@<agent id>` everywhere on this side (local ids hold no '@'), labelled with
 * the agent, and read-only: only the agent's own config starts and stops it.
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { GapscopeApi, GapscopeService, StreamInfo, StreamState } from '../../shared/contract';
import { GapscopeError } from '../../shared/errors';
import type { FeatureService, ServiceContext } from '../kernel/services';
import { AgentLink, LINK_TIMING, readOnlyRefusal, type AgentEntry, type LinkTiming } from './agentLink';

type StreamRequests = 'listStreams' | 'getStreamState' | 'stopStream' | 'removeStream';
type AgentRequests = 'attachAgent' | 'detachAgent' | 'listAgents';

/** What the agents feature needs from the rest of the back end. */
export interface AgentDeps {
  /** Reception's own handlers for the stream requests it answers for local streams. */
  local: Pick<GapscopeService, StreamRequests>;
  /** Attach the agents saved in the data folder at start (the desktop window and serve; not a one-shot command). */
  reachSaved: boolean;
  timing?: LinkTiming;
}

const MAX_AGENTS = 32;

const SavedAgentsSchema = z.object({
  agents: z.array(z.object({ id: z.string().regex(/^[a-z0-9]{1,12}$/), name: z.string().min(1).max(40), url: z.string().min(1).max(320), token: z.string().min(1).max(512) })).max(MAX_AGENTS),
});

/** The local id on this side of an agent's stream. */
export function agentStreamId(remoteId: string, agentId: string): string {
  return `${remoteId}@${agentId}`;
}

/** Which agent and which remote stream a stream id names, or null for a local stream. */
export function splitStreamId(id: string): { remoteId: string; agentId: string } | null {
  const at = id.indexOf('@');
  return at < 0 ? null : { remoteId: id.slice(0, at), agentId: id.slice(at + 1) };
}

/** The agents feature, and reception's stream requests routed to the agent a stream id names. */
export function createAgentService(ctx: Pick<ServiceContext, 'emit' | 'dataDir'>, deps: AgentDeps): FeatureService<AgentRequests | StreamRequests> & { links(): AgentLink[] } {
  const file = join(ctx.dataDir, 'agents.json');
  const links = new Map<string, AgentLink>();
  // Each agent's streams as last heard (by remote id), kept while it is unreachable so the page keeps their data.
  const known = new Map<string, Map<string, StreamInfo>>();

  const label = (info: StreamInfo, link: AgentLink): StreamInfo => ({ ...info, id: agentStreamId(info.id, link.entry.id), agent: { id: link.entry.id, name: link.entry.name } });
  const labelState = (s: StreamState, link: AgentLink): StreamState => ({ ...s, info: label(s.info, link) });

  const save = (): void => {
    const agents = [...links.values()].map((l) => l.entry);
    mkdirSync(ctx.dataDir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    // The tokens are secrets: the file is the user's alone.
    writeFileSync(tmp, JSON.stringify({ agents }, null, 2), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
  };

  const forget = (agentId: string): void => {
    for (const remoteId of known.get(agentId)?.keys() ?? []) ctx.emit('streamRemoved', { id: agentStreamId(remoteId, agentId) });
    known.delete(agentId);
  };

  const open = (entry: AgentEntry): AgentLink => {
    const streams = new Map<string, StreamInfo>();
    known.set(entry.id, streams);
    const link: AgentLink = new AgentLink(
      entry,
      {
        onState: (info) => ctx.emit('agentState', info),
        onConnected: async (api: GapscopeApi) => {
          const list = await api.listStreams();
          const now = new Set(list.map((s) => s.id));
          for (const id of [...streams.keys()])
            if (!now.has(id)) {
              streams.delete(id);
              ctx.emit('streamRemoved', { id: agentStreamId(id, entry.id) });
            }
          for (const s of list) {
            streams.set(s.id, s);
            ctx.emit('streamStatus', label(s, link));
          }
          link.setStreamCount(streams.size);
          // The page reloads these streams' whole state (their history while it was away included).
          if (list.length > 0) ctx.emit('streamsSkipped', { ids: list.map((s) => agentStreamId(s.id, entry.id)) });
        },
        onEvent: (name, payload) => {
          const p = payload as { id?: unknown; ids?: unknown };
          switch (name) {
            case 'streamUpdate':
            case 'streamAlert':
              if (typeof p.id === 'string') ctx.emit(name, { ...(payload as { id: string } & Record<string, unknown>), id: agentStreamId(p.id, entry.id) } as never);
              break;
            case 'streamStatus': {
              const info = payload as StreamInfo;
              streams.set(info.id, info);
              ctx.emit('streamStatus', label(info, link));
              link.setStreamCount(streams.size);
              break;
            }
            case 'streamRemoved':
              if (typeof p.id === 'string') {
                streams.delete(p.id);
                ctx.emit('streamRemoved', { id: agentStreamId(p.id, entry.id) });
                link.setStreamCount(streams.size);
              }
              break;
            case 'streamsSkipped':
              if (Array.isArray(p.ids)) ctx.emit('streamsSkipped', { ids: p.ids.filter((i): i is string => typeof i === 'string').map((i) => agentStreamId(i, entry.id)) });
              break;
          }
        },
      },
      deps.timing ?? LINK_TIMING,
    );
    links.set(entry.id, link);
    return link;
  };

  const linkOf = (agentId: string): AgentLink => {
    const link = links.get(agentId);
    if (!link) throw new GapscopeError('not-found', 'That agent is no longer attached.');
    return link;
  };

  if (deps.reachSaved) for (const entry of loadSaved(file)) open(entry);

  return {
    links: () => [...links.values()],
    handlers: {
      attachAgent: (req) => {
        if (links.size >= MAX_AGENTS) throw new GapscopeError('invalid-argument', `At most ${MAX_AGENTS} agents can be attached; detach one first.`);
        for (const l of links.values()) {
          if (l.entry.url === req.address) throw new GapscopeError('invalid-argument', `${l.entry.name} is already attached at that address.`, 'address');
          if (l.entry.name === req.name) throw new GapscopeError('invalid-argument', 'Another agent already has that name.', 'name');
        }
        const entry: AgentEntry = { id: randomUUID().replace(/-/g, '').slice(0, 8), name: req.name, url: req.address, token: req.token };
        const link = open(entry);
        save();
        return link.info();
      },
      detachAgent: (id) => {
        const link = linkOf(id);
        link.close();
        links.delete(id);
        forget(id);
        save();
        ctx.emit('agentState', { ...link.info(), detached: true });
      },
      listAgents: () => [...links.values()].map((l) => l.info()),
      listStreams: async () => {
        const mine = await deps.local.listStreams();
        const theirs = [...links.values()].flatMap((l) => [...(known.get(l.entry.id)?.values() ?? [])].map((s) => label(s, l)));
        return [...mine, ...theirs];
      },
      getStreamState: async (id) => {
        const where = splitStreamId(id);
        if (!where) return deps.local.getStreamState(id);
        const link = linkOf(where.agentId);
        return labelState(await link.api.getStreamState(where.remoteId), link);
      },
      stopStream: (id) => {
        const where = splitStreamId(id);
        if (!where) return deps.local.stopStream(id);
        throw readOnlyRefusal(linkOf(where.agentId).entry.name);
      },
      removeStream: (id) => {
        const where = splitStreamId(id);
        if (!where) return deps.local.removeStream(id);
        throw readOnlyRefusal(linkOf(where.agentId).entry.name);
      },
    },
    close: () => {
      for (const l of links.values()) l.close();
      links.clear();
    },
  };
}

/** The agents saved by an earlier launch; a damaged file is set aside (it is ours), never fatal. */
function loadSaved(file: string): AgentEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  try {
    const parsed = SavedAgentsSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data.agents;
  } catch {
    // Not JSON: set aside below.
  }
  try {
    renameSync(file, `${file}.invalid`);
  } catch {
    // A read-only folder: start with no agents.
  }
  return [];
}

