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

/** Reads the per-launch token from the page URL (and keeps it for reloads of the same tab). */
export function webToken(): string | null {
  const fromUrl = new URLSearchParams(window.location.search).get('token');
  if (fromUrl) {
    sessionStorage.setItem('gapscope-token', fromUrl);
    return fromUrl;
  }
  return sessionStorage.getItem('gapscope-token');
}

/** A WebSocket transport that reconnects and fails pending calls clearly when the back end is gone. */
export function createWebSocketTransport(url: string, onState: (s: ConnectionState) => void): Transport {
  let socket: WebSocket | null = null;
  let nextId = 1;
  const pending = new Map<number, (o: Outcome) => void>();
  const eventListeners = new Set<(name: string, payload: unknown) => void>();
  let opened: Promise<void> = Promise.resolve();
  let reopen: (() => void) | null = null;

  const connect = (): void => {
    onState('connecting');
    const ws = new WebSocket(url);
    socket = ws;
    if (!reopen) opened = new Promise((resolve) => (reopen = resolve));
    ws.addEventListener('open', () => {
      onState('open');
      reopen?.();
      reopen = null;
    });
    ws.addEventListener('message', (ev) => {
      let msg: ServerMessage;
      try {
        msg = JSON.parse(String(ev.data)) as ServerMessage;
      } catch {
        return;
      }
      if (msg.type === 'reply') {
        pending.get(msg.id)?.(msg.outcome);
        pending.delete(msg.id);
      } else if (msg.type === 'event') {
        for (const l of eventListeners) l(msg.name, msg.payload);
      }
    });
    ws.addEventListener('close', (ev) => {
      onState('closed');
      // Calls made from now on wait for the reconnect instead of going to a dead socket.
      if (!reopen) opened = new Promise((resolve) => (reopen = resolve));
      // Web mode says why when it drops a client (too many messages, a message too large).
      const message = ev.reason ? `${CLOSED_BECAUSE}${ev.reason}` : CONNECTION_LOST;
      for (const [, resolve] of pending) {
        resolve({ ok: false, error: { code: 'internal', message } });
      }
      pending.clear();
      setTimeout(connect, 1000);
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
export function connectToBackend(onState: (s: ConnectionState) => void): GapscopeApi {
  if (window.gapscopeBridge) {
    onState('open');
    return createApiClient(window.gapscopeBridge);
  }
  const token = webToken() ?? '';
  const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = `${proto}//${window.location.host}/api?token=${encodeURIComponent(token)}`;
  return createApiClient(createWebSocketTransport(url, onState));
}
