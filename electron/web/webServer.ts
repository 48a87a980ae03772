/**
 * Web mode: serves the built UI (staticFiles.ts), session captures (downloads.ts) and the contract
 * over a WebSocket (apiSocket.ts), on 127.0.0.1 by default, behind a per-launch token so that
 * other local users and web pages cannot drive the back end. Only Hosts and Origins that name this
 * server are answered (access.ts); bound to another address (--allow-remote), every route needs
 * the token, which the first page load turns into a cookie for the page's own files.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Backend } from '../kernel/backend';
import { contentSecurityPolicy } from '../kernel/contentSecurityPolicy';
import { AccessRules, cookieValue, isLoopbackHost, tokenMatches } from './access';
import { createApiSocket, DEFAULT_LIMITS, type Refusal } from './apiSocket';
import { createCaptureDownloads } from './downloads';
import type { MetricFamily } from '../../shared/metrics/exposition';
import { serveMetrics } from '../metrics/metricsRoute';
import { createStaticFiles, requestUrl, sendText } from './staticFiles';

/** How to run the web mode. */
export interface WebServerOptions {
  backend: Backend;
  /** Folder with the built renderer (index.html). */
  staticDir: string;
  host?: string;
  port?: number;
  /** Fixed token (tests); a random one per launch otherwise. */
  token?: string;
  /** Origins besides the server's own whose pages may use it (--allow-origin), already parsed. */
  allowOrigins?: string[];
  /** How many WebSocket clients at once (--max-clients); 100 by default. */
  maxClients?: number;
  /** GET /metrics (Prometheus), behind the token unless withoutToken; absent: no such route. */
  metrics?: { families: () => MetricFamily[]; withoutToken: boolean };
  /** Where a line about refused or dropped clients goes; stderr by default. */
  log?: (line: string) => void;
}

/** A running web mode. */
export interface WebServer {
  /** The address to open: the bound one, or for a wildcard bind this machine's first address that other machines can reach. */
  url: string;
  /** One URL per address the server answers on (a wildcard bind answers on each of this machine's addresses). */
  urls: string[];
  port: number;
  host: string;
  token: string;
  close(): Promise<void>;
}

/** This machine's addresses, re-read at most every 5 s (a wildcard bind answers to each of them). */
function localAddressReader(): () => string[] {
  let at = 0;
  let list: string[] = [];
  return () => {
    if (Date.now() - at > 5000) {
      list = Object.values(networkInterfaces()).flatMap((infos) => (infos ?? []).map((i) => i.address));
      at = Date.now();
    }
    return list;
  };
}

/**
 * The addresses a server bound to `host` can be opened at, reachable ones first: the address itself,
 * or for 0.0.0.0 / :: every address of this machine (IPv4 only for 0.0.0.0; IPv6 link-local ones
 * need a zone a URL cannot carry and are left out), loopback last.
 */
export function listeningAddresses(host: string, interfaces = networkInterfaces()): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [host];
  const all = Object.values(interfaces).flatMap((infos) => infos ?? []);
  const usable = all.filter((i) => (host === '::' || i.family === 'IPv4') && !(i.family === 'IPv6' && /^fe80:/i.test(i.address)));
  const ordered = [...usable.filter((i) => !i.internal), ...usable.filter((i) => i.internal)].map((i) => i.address);
  const unique = [...new Set(ordered)];
  return unique.length ? unique : [host === '::' ? '::1' : '127.0.0.1'];
}

/** Starts the web mode; resolves once it listens. */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  const remote = !isLoopbackHost(host);
  const log = options.log ?? ((line: string) => void process.stderr.write(`gapscope: ${line}\n`));
  const limits = { ...DEFAULT_LIMITS, maxClients: options.maxClients ?? DEFAULT_LIMITS.maxClients };
  const serveFile = createStaticFiles(options.staticDir);
  const serveCapture = createCaptureDownloads(options.backend.service, token);
  const api = createApiSocket(options.backend, limits, log);
  const localAddresses = localAddressReader();
  let rules = new AccessRules({ host, port: 0, allowOrigins: options.allowOrigins, localAddresses });
  let cookieName = 'gapscope-token';

  const server = createServer((req, res) => {
    const url = requestUrl(req);
    if (!url) {
      sendText(res, 400, 'Bad request: the request target is not a URL path.');
      return;
    }
    const origin = rules.pageOrigin(req.headers.host);
    if (!origin) {
      sendText(res, 421, rules.hostRefusal(req.headers.host));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (url.pathname === '/metrics' && options.metrics) {
      serveMetrics(req, res, options.metrics.withoutToken ? { open: true } : { token }, options.metrics.families);
      return;
    }
    if (url.pathname.startsWith('/sessions/')) {
      serveCapture(req, res, url).catch(() => res.destroy());
      return;
    }
    const headers: OutgoingHttpHeaders = { 'Content-Security-Policy': contentSecurityPolicy({ kind: 'web', origin }) };
    if (remote) {
      // The page's own files load without ?token: the first load with it leaves a cookie for them.
      if (tokenMatches(url.searchParams.get('token'), token)) {
        headers['Set-Cookie'] = `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`;
      } else if (!tokenMatches(cookieValue(req.headers.cookie, cookieName), token)) {
        sendText(res, 403, 'Forbidden: open the address Gapscope printed when it started (it carries the token).');
        return;
      }
    }
    serveFile(req, res, url, headers);
  });
  // Half-sent requests do not hold sockets for minutes.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  // Room for every client plus page loads and refused clients; a flood beyond is cut by the OS-level accept, not the event loop.
  server.maxConnections = limits.maxClients * 2 + 512;

  const admission = (req: Parameters<typeof api.upgrade>[0]): Refusal | null => {
    const url = requestUrl(req);
    if (!url || url.pathname !== '/api') return { status: 404, reason: 'not the API', text: 'Not found: the Gapscope API is at /api.' };
    if (!rules.pageOrigin(req.headers.host)) return { status: 421, reason: 'unknown host', text: rules.hostRefusal(req.headers.host) };
    const origin = req.headers.origin;
    if (!rules.originAllowed(origin)) {
      return { status: 403, reason: 'foreign origin', text: `Forbidden: pages from ${String(origin).slice(0, 100)} may not use this Gapscope (restart serve with --allow-origin for a page of yours).` };
    }
    if (!tokenMatches(url.searchParams.get('token') ?? cookieValue(req.headers.cookie, cookieName), token)) {
      return { status: 403, reason: 'wrong token', text: 'Forbidden: the API needs the token of the address Gapscope printed when it started.' };
    }
    return null;
  };
  server.on('upgrade', (req, socket, head) => api.upgrade(req, socket, head, admission(req)));

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, host, () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  rules = new AccessRules({ host, port, allowOrigins: options.allowOrigins, localAddresses });
  // Cookies ignore ports: two servers on one machine must not overwrite each other's.
  cookieName = `gapscope-token-${port}`;
  const urls = listeningAddresses(host).map((a) => `http://${a.includes(':') ? `[${a}]` : a}:${port}/?token=${token}`);
  return {
    url: urls[0]!,
    urls,
    port,
    host,
    token,
    close: async () => {
      api.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
