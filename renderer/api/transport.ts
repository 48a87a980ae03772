/** Connects the renderer to the back end: Electron's preload bridge when present, else the web mode's WebSocket. */
import { createApiClient, type Transport } from '../../shared/rpc/client';
import type { GapscopeApi } from '../../shared/contract';
import type { Outcome, ServerMessage } from '../../shared/rpc/envelope';

/** What electron/preload exposes on window: the generic call and event pipe, nothing per feature. */
export interface DesktopBridge {
  call(method: string, args: unknown[]): Promise<Outcome>;
  onEvent(listener: (name: string, payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    gapscopeBridge?: DesktopBridge;
  }
}

/** What a call says when the connection under it is gone: not a failure inside Gapscope, though its code is internal. */
export const CONNECTION_LOST = 'The connection to the Gapscope back end was lost.';
const NOT_CONNECTED = 'Not connected to the Gapscope back end.';
const CLOSED_BECAUSE = 'The Gapscope back end closed the connection: ';

/** True for the sentences this transport fails a call with (renderer/app/errors.ts keeps them). */
export function isConnectionFailure(message: string): boolean {
  return message === CONNECTION_LOST || message === NOT_CONNECTED || message.startsWith(CLOSED_BECAUSE);
}

/** The connection state of the web transport, for a banner when the back end goes away. */
export type ConnectionState = 'connecting' | 'open' | 'closed';

/** Told with each state: the sentence the back end closed the connection with (null when it gave none), and when the next try is. */
export interface ConnectionDetail {
  reason: string | null;
  /** Seconds until the next try; null while open or connecting. */
  retryInS: number | null;
  /** Tries in a row that ended without the back end answering (0 once it answered). */
  failures: number;
}

/** The detail of an open connection, or of a first try. */
export const NO_TROUBLE: ConnectionDetail = { reason: null, retryInS: null, failures: 0 };

/** Reads the per-launch token from the page URL (and keeps it for reloads of the same tab). */
export function webToken(): string | null {
  const fromUrl = new URLSearchParams(window.location.search).get('token');
  if (fromUrl) {
    sessionStorage.setItem('gapscope-token', fromUrl);
    return fromUrl;
  }
  return sessionStorage.getItem('gapscope-token');
}

/** Waits before the next try: 1 s after the first failure, doubling to at most 30 s; back to 1 s once the back end answered. */
export function retryDelayMs(failuresInARow: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, failuresInARow - 1));
}

/**
 * A WebSocket transport that reconnects (with backoff) and fails pending calls clearly when the
 * back end is gone. The connection counts as open once the back end has answered a first call:
 * a server at its client limit lets a socket open only to close it at once with a reason (1013),
 * and that must read as refused, not as a connection that opened and dropped.
 */
export function createWebSocketTransport(url: string, onState: (s: ConnectionState, detail: ConnectionDetail) => void): Transport {
  let socket: WebSocket | null = null;
  let nextId = 1;
  let failures = 0;
  const pending = new Map<number, (o: Outcome) => void>();
  const eventListeners = new Set<(name: string, payload: unknown) => void>();
  let opened: Promise<void> = Promise.resolve();
  let reopen: (() => void) | null = null;
  let lastReason: string | null = null;

  const connect = (): void => {
    onState('connecting', { reason: lastReason, retryInS: null, failures });
    const ws = new WebSocket(url);
    socket = ws;
    let answered = false;
    if (!reopen) opened = new Promise((resolve) => (reopen = resolve));
    const helloId = nextId++;
    ws.addEventListener('open', () => {
      ws.send(JSON.stringify({ type: 'call', id: helloId, method: 'getAppInfo', args: [] }));
    });
    ws.addEventListener('message', (ev) => {
      let msg: ServerMessage;
      try {
        msg = JSON.parse(String(ev.data)) as ServerMessage;
      } catch {
        return;
      }
      if (msg.type === 'reply' && msg.id === helloId && !answered) {
        answered = true;
        failures = 0;
        lastReason = null;
        onState('open', NO_TROUBLE);
        reopen?.();
        reopen = null;
      } else if (msg.type === 'reply') {
        pending.get(msg.id)?.(msg.outcome);
        pending.delete(msg.id);
      } else if (msg.type === 'event') {
        for (const l of eventListeners) l(msg.name, msg.payload);
      }
    });
    ws.addEventListener('close', (ev) => {
      failures++;
      // Web mode says why when it closes a client (too many clients, too many messages, a message too large).
      lastReason = ev.reason || null;
      const delay = retryDelayMs(failures);
      onState('closed', { reason: lastReason, retryInS: Math.round(delay / 1000), failures });
      // Calls made from now on wait for the reconnect instead of going to a dead socket.
      if (!reopen) opened = new Promise((resolve) => (reopen = resolve));
      const message = lastReason ? `${CLOSED_BECAUSE}${lastReason}` : CONNECTION_LOST;
      for (const [, resolve] of pending) {
        resolve({ ok: false, error: { code: 'internal', message } });
      }
      pending.clear();
      setTimeout(connect, delay);
    });
  };
  connect();

  return {
    async call(method, args) {
      await opened;
      if (socket?.readyState !== WebSocket.OPEN) {
        return { ok: false, error: { code: 'internal', message: NOT_CONNECTED } };
      }
      const id = nextId++;
      return new Promise<Outcome>((resolve) => {
        pending.set(id, resolve);
        socket?.send(JSON.stringify({ type: 'call', id, method, args }));
      });
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
  };
}

/** Builds the API for this page: desktop bridge, or the WebSocket of the server that served the page. */
export function connectToBackend(onState: (s: ConnectionState, detail: ConnectionDetail) => void): GapscopeApi {
  if (window.gapscopeBridge) {
    onState('open', NO_TROUBLE);
    return createApiClient(window.gapscopeBridge);
  }
  const token = webToken() ?? '';
  const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = `${proto}//${window.location.host}/api?token=${encodeURIComponent(token)}`;
  return createApiClient(createWebSocketTransport(url, onState));
}
