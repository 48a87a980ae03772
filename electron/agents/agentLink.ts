/**
 * One attached agent: a WebSocket to its /api carrying the contract (shared/rpc/client.ts over the
 * envelope web mode uses), tried again with back-off while the agent cannot be reached, and its
 * state (connecting, connected, unreachable with the reason in the user's words).
 */
import WebSocket from 'ws';
import type { AgentInfo, AgentLinkState } from '../../shared/contract/agents';
import type { GapscopeApi } from '../../shared/contract';
import { GapscopeError } from '../../shared/errors';
import type { Outcome, ServerMessage } from '../../shared/rpc/envelope';
import { createApiClient } from '../../shared/rpc/client';

/** How long a try, a call and a silent connection may take, and the back-off between tries. */
export interface LinkTiming {
  connectTimeoutMs: number;
  callTimeoutMs: number;
  /** A ping every this often; a connection that answered none for two of them is taken as lost. */
  heartbeatMs: number;
  firstRetryMs: number;
  maxRetryMs: number;
}

/** The timing of a link in the app: 1 s doubling to 30 s between tries, as the page's own socket. */
export const LINK_TIMING: LinkTiming = { connectTimeoutMs: 5_000, callTimeoutMs: 15_000, heartbeatMs: 10_000, firstRetryMs: 1_000, maxRetryMs: 30_000 };

/** What a link is told to do with what it hears. */
export interface LinkHooks {
  /** The link's state changed. */
  onState(info: AgentInfo): void;
  /** The agent answered its first call on a new connection: the api is live until onState says otherwise. */
  onConnected(api: GapscopeApi): Promise<void>;
  /** An event the agent pushed while connected. */
  onEvent(name: string, payload: unknown): void;
}

/** Where the agent is and who it is, as the service keeps it (the token stays here and in the saved file). */
export interface AgentEntry {
  id: string;
  name: string;
  url: string;
  token: string;
}

/** Words for why a try failed, from what ws and the socket said. */
export function unreachableReason(url: string, err: { code?: string; status?: number; message?: string }): string {
  const where = new URL(url).host;
  if (err.status === 401 || err.status === 403) return `${where} refused the token: copy the agent's token again (it prints it at start, or read it from its token file).`;
  if (err.status === 404) return `${where} answers, but not as a Gapscope agent's API (is that the agent's --port?).`;
  if (err.status !== undefined) return `${where} answered HTTP ${err.status} instead of the agent's API.`;
  switch (err.code) {
    case 'ECONNREFUSED':
      return `nothing listens at ${where}: is the agent running, on that port?`;
    case 'ETIMEDOUT':
    case 'handshake-timeout':
      return `no answer from ${where} within ${LINK_TIMING.connectTimeoutMs / 1000} s: the agent or the network between is down.`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `no route to ${where} from this machine.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the name in ${where} was not found.`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `the connection to ${where} was cut.`;
    case 'heartbeat':
      return `${where} stopped answering: the agent or the network between is down.`;
    case 'closed':
      return `the agent at ${where} closed the connection${err.message ? `: ${err.message}` : '.'}`;
    default:
      return `${where} could not be reached (${err.code ?? err.message ?? 'unknown error'}).`;
  }
}

/** One agent's connection, kept open (or tried again) until close(). */
export class AgentLink {
  private state: AgentLinkState = 'connecting';
  private reason: string | null = null;
  private retryAt: number | null = null;
  private streams = 0;
  private ws: WebSocket | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private delayMs: number;
  private closed = false;
  private readonly pending = new Map<number, (o: Outcome) => void>();
  private readonly listeners = new Set<(name: string, payload: unknown) => void>();
  private nextCall = 1;

  constructor(
    readonly entry: AgentEntry,
    private readonly hooks: LinkHooks,
    private readonly timing: LinkTiming = LINK_TIMING,
  ) {
    this.delayMs = timing.firstRetryMs;
    this.connect();
  }

  /** The agent as the page sees it. */
  info(): AgentInfo {
    return { id: this.entry.id, name: this.entry.name, url: this.entry.url, state: this.state, reason: this.reason, retryAt: this.retryAt, streams: this.streams };
  }

  /** Tells the state how many streams the agent has now. */
  setStreamCount(n: number): void {
    if (n === this.streams) return;
    this.streams = n;
    this.hooks.onState(this.info());
  }

  /** A call on the agent, refused at once when it is not connected; its events reach on() listeners while connected, after the hooks. */
  readonly api: GapscopeApi = createApiClient({
    call: (method, args) => this.call(method, args),
    onEvent: (l) => {
      this.listeners.add(l);
      return () => this.listeners.delete(l);
    },
  });

  /** Stops trying and closes the connection. */
  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.stopHeartbeat();
    this.ws?.terminate();
    this.ws = null;
    this.failPending();
  }

  private call(method: string, args: unknown[]): Promise<Outcome> {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.resolve(this.refusal());
    return new Promise<Outcome>((done) => {
      const id = this.nextCall++;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        done({ ok: false, error: { code: 'socket-error', message: `The agent ${this.entry.name} did not answer within ${this.timing.callTimeoutMs / 1000} s.` } });
      }, this.timing.callTimeoutMs);
      this.pending.set(id, (o) => {
        clearTimeout(timer);
        done(o);
      });
      ws.send(JSON.stringify({ type: 'call', id, method, args }));
    });
  }

  private refusal(): Outcome {
    const why = this.reason ?? 'it is still connecting.';
    return { ok: false, error: { code: 'socket-error', message: `The agent ${this.entry.name} cannot be reached now: ${why}` } };
  }

  private failPending(): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const done of waiting) done(this.refusal());
  }

  private setState(state: AgentLinkState, reason: string | null, retryAt: number | null): void {
    this.state = state;
    this.reason = reason;
    this.retryAt = retryAt;
    this.hooks.onState(this.info());
  }

  private connect(): void {
    if (this.closed) return;
    this.retryTimer = null;
    // An unreachable agent stays unreachable while it is tried again (retryAt null: trying now), so its state does not flicker.
    if (this.retryAt !== null) this.setState(this.state, this.reason, null);
    const ws = new WebSocket(this.entry.url, { headers: { Authorization: `Bearer ${this.entry.token}` }, handshakeTimeout: this.timing.connectTimeoutMs, maxPayload: 64 * 1024 * 1024 });
    this.ws = ws;
    let failure: { code?: string; status?: number; message?: string } | null = null;
    let alive = true;
    ws.on('unexpected-response', (_req, res) => {
      failure = { status: res.statusCode };
      res.resume();
      ws.terminate();
    });
    ws.on('error', (e: NodeJS.ErrnoException) => {
      failure ??= { code: /handshake/i.test(e.message) ? 'handshake-timeout' : e.code, message: e.message };
    });
    ws.on('message', (data) => {
      alive = true;
      let m: ServerMessage;
      try {
        m = JSON.parse(String(data)) as ServerMessage;
      } catch {
        return;
      }
      if (m.type === 'reply') {
        const done = this.pending.get(m.id);
        this.pending.delete(m.id);
        done?.(m.outcome);
      } else if (m.type === 'event' && this.state === 'connected') {
        this.hooks.onEvent(m.name, m.payload);
        for (const l of this.listeners) l(m.name, m.payload);
      }
    });
    ws.on('pong', () => (alive = true));
    ws.on('ping', () => (alive = true));
    ws.on('open', () => {
      this.heartbeat = setInterval(() => {
        if (!alive) {
          failure = { code: 'heartbeat' };
          ws.terminate();
          return;
        }
        alive = false;
        ws.ping();
      }, this.timing.heartbeatMs);
      // Open counts once the agent has answered, as the page's own socket does: an agent at its client limit opens only to close.
      void this.api.getAppInfo().then(
        async () => {
          if (this.ws !== ws) return;
          this.delayMs = this.timing.firstRetryMs;
          this.setState('connected', null, null);
          try {
            await this.hooks.onConnected(this.api);
          } catch {
            // The connection dropped while loading; its close handler tries again.
          }
        },
        () => undefined,
      );
    });
    ws.on('close', (code, reasonBuf) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.stopHeartbeat();
      const said = reasonBuf.toString();
      const why = unreachableReason(this.entry.url, failure ?? { code: 'closed', message: said || (code === 1006 ? '' : `code ${code}`) });
      this.reason = why;
      this.failPending();
      if (this.closed) return;
      const wait = this.delayMs;
      this.delayMs = Math.min(this.delayMs * 2, this.timing.maxRetryMs);
      this.setState('unreachable', why, Date.now() + wait);
      this.retryTimer = setTimeout(() => this.connect(), wait);
    });
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }
}

/** Why a stream request on an agent's stream is refused: the page shows its streams read-only. */
export function readOnlyRefusal(name: string): GapscopeError {
  return new GapscopeError('unsupported', `This stream runs on the agent ${name}: start and stop it in that agent's config, not from here.`);
}
