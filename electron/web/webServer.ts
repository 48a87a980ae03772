/**
 * Web mode: serves the built UI and binds the contract to a WebSocket, on 127.0.0.1 by default,
 * behind a per-launch token so that other local users and web pages cannot drive the back end.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { createDispatcher } from '../../shared/rpc/dispatcher';
import { CallMessageSchema, type ServerMessage } from '../../shared/rpc/envelope';
import { GapscopeError } from '../../shared/errors';
import type { Backend } from '../kernel/backend';
import { writeCaptureRange } from '../capture/captureRange';
import { findSessionCapture, parseCaptureDownload } from '../sessions/captureDownload';

/** How to run the web mode. */
export interface WebServerOptions {
  backend: Backend;
  /** Folder with the built renderer (index.html). */
  staticDir: string;
  host?: string;
  port?: number;
  /** Fixed token (tests); a random one per launch otherwise. */
  token?: string;
}

/** A running web mode. */
export interface WebServer {
  url: string;
  port: number;
  host: string;
  token: string;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** The same policy as the desktop window's: scripts and connections only from the app itself. */
export const WEB_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** True for a loopback bind address: the only kind web mode uses without --allow-remote. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function tokenMatches(given: string | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Starts the web mode; resolves once it listens. */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  const staticRoot = resolve(options.staticDir);
  const dispatch = createDispatcher(options.backend.service);
  let port = 0;

  // Browsers send the Host they connected to; anything else is DNS rebinding or a stray client.
  const allowedHost = (req: IncomingMessage): boolean => {
    const h = req.headers.host ?? '';
    if (!isLoopbackHost(host)) return true;
    return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `${host}:${port}`].includes(h);
  };

  const serveFile = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://x');
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400).end('Bad path');
      return;
    }
    if (rel === '/' || rel === '') rel = '/index.html';
    const file = normalize(join(staticRoot, rel));
    if (!file.startsWith(staticRoot + sep)) {
      res.writeHead(403).end('Forbidden');
      return;
    }
    let size: number;
    try {
      const st = statSync(file);
      if (!st.isFile()) throw new Error('not a file');
      size = st.size;
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
      return;
    }
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': size,
      'Content-Security-Policy': WEB_CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Cache-Control': 'no-store',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file).pipe(res);
  };

  const plain = (res: ServerResponse, status: number, text: string): void => {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' }).end(`${text}\n`);
  };

  // GET /sessions/<id>/capture.pcapng[?from=S&to=S]&token=T: a session's capture, whole or a time range.
  const serveCapture = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    if (!tokenMatches(url.searchParams.get('token'), token)) {
      plain(res, 403, 'Forbidden: this link needs the token of the current Gapscope window.');
      return;
    }
    const m = /^\/sessions\/([^/]*)\/capture\.pcapng$/.exec(url.pathname);
    if (!m) {
      plain(res, 404, 'Not found: a session capture is at /sessions/<id>/capture.pcapng.');
      return;
    }
    let file;
    let range;
    try {
      let id: string;
      try {
        id = decodeURIComponent(m[1]!);
      } catch {
        throw new GapscopeError('invalid-argument', 'The session id is not valid URL encoding.');
      }
      const wanted = parseCaptureDownload(id, url.searchParams.get('from'), url.searchParams.get('to'));
      range = wanted.range;
      file = await findSessionCapture(options.backend.service, wanted);
    } catch (e) {
      const err = e instanceof GapscopeError ? e : new GapscopeError('internal', `Cannot read the session: ${(e as Error).message}`);
      plain(res, err.code === 'invalid-argument' ? 400 : err.code === 'not-found' ? 404 : err.code === 'permission-denied' ? 403 : 500, err.message);
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'application/vnd.tcpdump.pcap',
      'Content-Disposition': `attachment; filename="${file.downloadName}"`,
      ...(range ? {} : { 'Content-Length': file.bytes }),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    if (!range) {
      createReadStream(file.path).on('error', () => res.destroy()).pipe(res);
      return;
    }
    try {
      const r = file.record;
      const comment = `${r.name}: ${range.fromMs / 1000} s to ${range.toMs / 1000} s after its first packet (session ${r.id})`;
      await writeCaptureRange(file.path, range, res, r.app || 'Gapscope', comment);
      res.end();
    } catch {
      // The headers are gone: cutting the connection tells the browser the download failed.
      res.destroy();
    }
  };

  const server = createServer((req, res) => {
    if (!allowedHost(req)) {
      res.writeHead(421, { 'Content-Type': 'text/plain' }).end('Misdirected request');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.startsWith('/sessions/')) {
      void serveCapture(req, res, url);
      return;
    }
    serveFile(req, res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const clients = new Set<WebSocket>();
  const send = (ws: WebSocket, m: ServerMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
  };
  const stopEvents = options.backend.onEvent((name, payload) => {
    for (const ws of clients) send(ws, { type: 'event', name, payload });
  });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const origin = req.headers.origin;
    const sameOrigin = origin === undefined || origin === `http://${req.headers.host}`;
    if (url.pathname !== '/api' || !allowedHost(req) || !sameOrigin || !tokenMatches(url.searchParams.get('token'), token)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      ws.on('message', async (data, isBinary) => {
        let raw: unknown;
        try {
          raw = JSON.parse(isBinary ? '' : data.toString());
        } catch {
          ws.close(1007, 'Messages must be JSON');
          return;
        }
        const call = CallMessageSchema.safeParse(raw);
        if (!call.success) {
          const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : -1;
          send(ws, { type: 'reply', id, outcome: { ok: false, error: { code: 'invalid-argument', message: 'Malformed request.' } } });
          return;
        }
        const outcome = await dispatch(call.data.method, call.data.args);
        send(ws, { type: 'reply', id: call.data.id, outcome });
      });
    });
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, host, () => ok());
  });
  port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `http://${urlHost}:${port}/?token=${token}`,
    port,
    host,
    token,
    close: async () => {
      stopEvents();
      for (const ws of clients) ws.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
