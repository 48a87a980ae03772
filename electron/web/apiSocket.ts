/**
 * The contract over a WebSocket at /api, made to outlive any client: every socket has an error
 * handler, a refused or malformed client is dropped with a close code and a sentence and counted,
 * the number of clients is capped, each client's message rate is limited, and a client that reads
 * slowly gets its stream updates coalesced (clientPolicy.ts) so that nobody else waits for it and
 * memory stays bounded.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { GapscopeService, StreamUpdate, WebClientStats } from '../../shared/contract';
import { createDispatcher } from '../../shared/rpc/dispatcher';
import { CallMessageSchema, type ServerMessage } from '../../shared/rpc/envelope';
import type { Backend } from '../kernel/backend';
import { MessageRate, SlowClient, type BackpressureLimits, type RateLimit } from './clientPolicy';

/** How many clients, how large and how many messages, how much unread data. */
export interface ApiSocketLimits {
  maxClients: number;
  /** Largest message a client may send (a whole message, fragments added up). */
  maxMessageBytes: number;
  rate: RateLimit;
  backpressure: BackpressureLimits;
}

/** The limits web mode runs with unless told otherwise. */
export const DEFAULT_LIMITS: ApiSocketLimits = {
  maxClients: 100,
  // The largest call the contract takes (a session's 20,000-character notes) is far below this.
  maxMessageBytes: 256 * 1024,
  rate: { perSecond: 200, burst: 400 },
  backpressure: { coalesceAboveBytes: 512 * 1024, resumeBelowBytes: 64 * 1024, dropAboveBytes: 8 * 1024 * 1024, pingEveryBytes: 32 * 1024, pongTimeoutMs: 60_000 },
};

export { MAX_CLIENTS_LIMIT } from './limits';

/** The close reason of a client over the cap: what happened and what to do, within a close frame's 123 bytes. */
export function tooManyClientsReason(maxClients: number): string {
  return `Gapscope is at its limit of ${maxClients} client${maxClients === 1 ? '' : 's'}: close another tab or client, or restart serve with a higher --max-clients.`;
}

/** Why an upgrade request is refused before it becomes a client. */
export interface Refusal {
  status: number;
  /** The counter it goes to, e.g. "wrong token". */
  reason: string;
  /** The sentence sent back. */
  text: string;
}

/** The WebSocket side of web mode. */
export interface ApiSocket {
  /** Takes over an upgrade request: refuses it when `refusal` is given, else makes it a client (if there is room). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, refusal: Refusal | null): void;
  stats(): WebClientStats;
  close(): void;
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 421: 'Misdirected Request' };

/** Close reasons (at most 123 bytes each) for the closes the ws library makes on a protocol error. */
function protocolCloseReasons(maxMessageBytes: number): Record<number, string> {
  return {
    1002: 'Protocol error: not a valid WebSocket frame (masking, opcode, RSV bits or control frame).',
    1007: 'Messages must be JSON text in UTF-8.',
    1009: `Message too large: at most ${Math.round(maxMessageBytes / 1024)} KiB.`,
  };
}

/** The counter a ws protocol error goes to. */
function errorReason(err: Error & { code?: string }): string {
  switch (err.code) {
    case 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH':
    case 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH':
      return 'message too large';
    case 'WS_ERR_INVALID_UTF8':
      return 'invalid UTF-8';
    default:
      return 'invalid frame';
  }
}

interface Client {
  ws: WebSocket;
  rate: MessageRate;
  slow: SlowClient;
}

/** Creates the socket side over a back end; `log` gets one line per kind of trouble at most every 10 s. */
export function createApiSocket(backend: Backend, limits: ApiSocketLimits, log: (line: string) => void): ApiSocket {
  // getHealth answers with this server's client counts too.
  const service: GapscopeService = { ...backend.service, getHealth: async () => ({ ...(await backend.service.getHealth()), web: stats() }) };
  const dispatch = createDispatcher(service);
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes, clientTracking: false });
  const clients = new Set<Client>();
  const reasons: Record<string, number> = {};
  const lastLogged = new Map<string, number>();
  let refused = 0;
  let dropped = 0;
  let heldBack = 0;
  const closeReasons = protocolCloseReasons(limits.maxMessageBytes);
  const tooMany = tooManyClientsReason(limits.maxClients);
  const tooFast = `Too many messages: at most ${limits.rate.perSecond} a second (${limits.rate.burst} at once).`;

  const stats = (): WebClientStats => ({ connected: clients.size, maxClients: limits.maxClients, refused, dropped, reasons: { ...reasons }, updatesHeldBack: heldBack });

  const count = (kind: 'refused' | 'dropped', reason: string, detail?: string): void => {
    if (kind === 'refused') refused++;
    else dropped++;
    reasons[reason] = (reasons[reason] ?? 0) + 1;
    const now = Date.now();
    if (now - (lastLogged.get(reason) ?? -Infinity) < 10_000) return;
    lastLogged.set(reason, now);
    log(`web mode ${kind} a client (${reason}${detail ? `: ${detail}` : ''}); ${refused} refused and ${dropped} dropped since start, ${clients.size} connected.`);
  };

  /** Closes a client with a code and a sentence, and cuts it off if it does not answer the close soon. */
  const dropClient = (ws: WebSocket, code: number, sentence: string): void => {
    ws.close(code, sentence);
    setTimeout(() => ws.terminate(), 2000).unref();
  };

  const drop = (c: Client, reason: string, detail: string): void => {
    count('dropped', reason, detail);
    clients.delete(c);
    c.ws.terminate();
  };

  /** Sends and counts, pinging when due so that the count of unread bytes stays known. */
  const sendCounted = (c: Client, data: Buffer | string): void => {
    c.ws.send(data, { binary: false });
    const ping = c.slow.sent(Buffer.byteLength(data), Date.now());
    if (ping) c.ws.ping(ping);
  };

  /** Tells a client that caught up which streams to reload. */
  const announceCaughtUp = (c: Client): void => {
    const ids = c.slow.caughtUp();
    if (ids) sendCounted(c, JSON.stringify({ type: 'event', name: 'streamsSkipped', payload: { ids } } satisfies ServerMessage));
  };

  const deliver = (c: Client, data: Buffer, streamUpdateOf: string | null): void => {
    if (c.ws.readyState !== c.ws.OPEN) return;
    const decision = c.slow.deliver(streamUpdateOf, Date.now());
    if (decision === 'drop') {
      drop(c, 'too slow', `${Math.round(c.slow.unread / 1024)} KiB unread`);
      return;
    }
    // One serialised buffer is shared by every client's queue.
    if (decision === 'send') sendCounted(c, data);
    else heldBack++;
    announceCaughtUp(c);
  };

  const stopEvents = backend.onEvent((name, payload) => {
    const data = Buffer.from(JSON.stringify({ type: 'event', name, payload } satisfies ServerMessage));
    const streamUpdateOf = name === 'streamUpdate' ? (payload as StreamUpdate).id : null;
    for (const c of clients) {
      if (name === 'streamRemoved') c.slow.forget((payload as { id: string }).id);
      deliver(c, data, streamUpdateOf);
    }
  });

  // A client that reads nothing for a while is dropped, and one that caught up hears it even when no event comes to carry the news.
  const watchTimer = setInterval(() => {
    const now = Date.now();
    for (const c of clients) {
      if (c.ws.readyState !== c.ws.OPEN) continue;
      if (c.slow.silentFor(now)) {
        drop(c, 'not reading', `${Math.round(c.slow.unread / 1024)} KiB unread for ${limits.backpressure.pongTimeoutMs / 1000} s`);
        continue;
      }
      const ping = c.slow.pingDue(now);
      if (ping) c.ws.ping(ping);
      announceCaughtUp(c);
    }
  }, 250);
  watchTimer.unref();

  const admit = (ws: WebSocket): void => {
    // ws closes a connection on a protocol error with a bare code; give each of those a sentence.
    const close = ws.close.bind(ws);
    ws.close = (code?: number, reason?: string | Buffer) => close(code, reason ?? (code !== undefined ? closeReasons[code] : undefined));
    const c: Client = { ws, rate: new MessageRate(limits.rate, Date.now()), slow: new SlowClient(limits.backpressure) };
    clients.add(c);
    ws.on('error', (err) => {
      clients.delete(c);
      count('dropped', errorReason(err), err.message);
    });
    ws.on('close', () => clients.delete(c));
    ws.on('pong', (data) => {
      c.slow.pong(data.toString());
      const ping = c.slow.pingDue(Date.now());
      if (ping) ws.ping(ping);
      announceCaughtUp(c);
    });
    ws.on('message', async (data, isBinary) => {
      if (ws.readyState !== ws.OPEN) return;
      if (!c.rate.take(Date.now())) {
        clients.delete(c);
        count('dropped', 'too many messages');
        dropClient(ws, 1008, tooFast);
        return;
      }
      let raw: unknown;
      try {
        raw = JSON.parse(isBinary ? '' : data.toString());
      } catch {
        ws.close(1007, 'Messages must be JSON');
        return;
      }
      const reply = (m: ServerMessage): void => deliver(c, Buffer.from(JSON.stringify(m)), null);
      const call = CallMessageSchema.safeParse(raw);
      if (!call.success) {
        const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : -1;
        reply({ type: 'reply', id, outcome: { ok: false, error: { code: 'invalid-argument', message: 'Malformed request.' } } });
        return;
      }
      const outcome = await dispatch(call.data.method, call.data.args);
      reply({ type: 'reply', id: call.data.id, outcome });
    });
  };

  /** Answers an upgrade request with an HTTP error and a sentence (a browser sees only that it failed; other clients read why). */
  const refuse = (socket: Duplex, refusal: Refusal): void => {
    count('refused', refusal.reason);
    const body = `${refusal.text}\n`;
    socket.once('finish', () => socket.destroy());
    socket.end(
      `HTTP/1.1 ${refusal.status} ${STATUS_TEXT[refusal.status] ?? 'Refused'}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  };

  return {
    upgrade(req, socket, head, refusal) {
      // A client may reset at any moment, even while it is being refused: that ends its socket, nothing else.
      socket.on('error', () => socket.destroy());
      if (refusal) {
        refuse(socket, refusal);
        return;
      }
      if (clients.size >= limits.maxClients) {
        // A browser shows a page nothing of a refused handshake but that it failed, so the client
        // is let in only to be closed at once with 1013 (try again later) and the sentence, which
        // the page can read and show; it is never served.
        count('refused', 'too many clients');
        wss.handleUpgrade(req, socket, head, (ws) => {
          ws.on('error', () => ws.terminate());
          dropClient(ws, 1013, tooMany);
        });
        return;
      }
      wss.handleUpgrade(req, socket, head, admit);
    },
    stats,
    close() {
      stopEvents();
      clearInterval(watchTimer);
      for (const c of clients) c.ws.terminate();
      clients.clear();
      wss.close();
    },
  };
}
