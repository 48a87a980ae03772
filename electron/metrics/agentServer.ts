/**
 * The headless agent's HTTP server: /metrics for Prometheus and /report (the same JSON report as
 * `gapscope listen --json`, one per stream) for scripts, both read-only and behind the bearer
 * token, and /api: the contract over the same WebSocket transport as web mode (apiSocket.ts),
 * always behind the token, for a Gapscope back end that attaches to this agent. No page is
 * served, and a browser page (one that sends an Origin) may not open /api.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { GapscopeApi } from '../../shared/contract';
import type { GapscopeMetrics } from '../../shared/metrics/gapscopeMetrics';
import { buildReport, type ReceptionReport } from '../../shared/reception/report';
import type { Backend } from '../kernel/backend';
import { tokenMatches } from '../web/access';
import { createApiSocket, DEFAULT_LIMITS, type Refusal } from '../web/apiSocket';
import { bearerToken, mayRead, serveMetrics, type MetricsAccess } from './metricsRoute';

/** What /report answers: each live stream's report under the name its metrics carry. */
export interface AgentReport {
  streams: { id: string; stream: string; report: ReceptionReport }[];
}

/** The report of every stream the metrics expose, read through the contract. */
export async function agentReport(api: GapscopeApi, metrics: GapscopeMetrics): Promise<AgentReport> {
  const streams: AgentReport['streams'] = [];
  for (const { id, stream } of metrics.streamLabels()) {
    const state = await api.getStreamState(id);
    const report = buildReport(state.snapshot, { ...state.info.config, kind: state.info.kind, family: state.info.family, bound: state.info.bound, recvBufferGranted: state.info.recvBufferGranted }, state.info.startedAt);
    streams.push({ id, stream, report });
  }
  return { streams };
}

/** A listening agent server. */
export interface AgentServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`${text}\n`);
}

/** Why an upgrade to /api is refused, or null to let it in: the token (Bearer or ?token=), and no browser page. */
export function apiRefusal(req: IncomingMessage, token: string): Refusal | null {
  const url = new URL(req.url ?? '/', 'http://agent');
  if (url.pathname !== '/api') return { status: 404, reason: 'not the API', text: 'Not found: the Gapscope API is at /api.' };
  if (req.headers.origin !== undefined) return { status: 403, reason: 'foreign origin', text: 'Forbidden: browser pages may not use an agent\'s API; attach to it from Gapscope.' };
  if (!tokenMatches(bearerToken(req.headers.authorization) ?? url.searchParams.get('token'), token)) return { status: 403, reason: 'wrong token', text: 'Forbidden: the API needs the agent\'s token.' };
  return null;
}

/** Starts the server; resolves once it listens. With `backend` and `apiToken`, /api serves the contract. */
export async function startAgentServer(o: { api: GapscopeApi; metrics: GapscopeMetrics; access: MetricsAccess; host: string; port: number; backend?: Backend; apiToken?: string; log?: (line: string) => void }): Promise<AgentServer> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/metrics') {
      serveMetrics(req, res, o.access, () => o.metrics.families());
      return;
    }
    if (path === '/report') {
      if (!mayRead(req, o.access)) {
        res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8', 'WWW-Authenticate': 'Bearer realm="gapscope"' });
        res.end('Unauthorized: send the token as "Authorization: Bearer <token>".\n');
        return;
      }
      agentReport(o.api, o.metrics).then(
        (r) => {
          res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
          res.end(JSON.stringify(r));
        },
        (e: unknown) => sendText(res, 500, `The report could not be read: ${e instanceof Error ? e.message : String(e)}`),
      );
      return;
    }
    sendText(res, 404, 'Not found: this Gapscope agent serves /metrics (Prometheus) and /report (JSON).');
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.maxConnections = 256;
  const apiToken = o.apiToken;
  const socket = o.backend && apiToken ? createApiSocket(o.backend, { ...DEFAULT_LIMITS, maxClients: 16 }, o.log ?? ((line) => void process.stderr.write(`gapscope: ${line}\n`))) : null;
  server.on('upgrade', (req: IncomingMessage, sock: Duplex, head: Buffer) => {
    if (!socket || !apiToken) {
      sock.on('error', () => sock.destroy());
      sock.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    socket.upgrade(req, sock, head, apiRefusal(req, apiToken));
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(o.port, o.host, () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    host: o.host,
    port,
    close: () =>
      new Promise<void>((r) => {
        socket?.close();
        server.close(() => r());
        // Scrapers keep their connection open between scrapes.
        server.closeAllConnections();
      }),
  };
}
