/**
 * The headless agent's HTTP server: /metrics for Prometheus and /report (the same JSON report as
 * `gapscope listen --json`, one per stream) for scripts, both read-only and behind the bearer
 * token. No page and no API: nothing here can start or stop anything.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GapscopeApi } from '../../shared/contract';
import type { GapscopeMetrics } from '../../shared/metrics/gapscopeMetrics';
import { buildReport, type ReceptionReport } from '../../shared/reception/report';
import { mayRead, serveMetrics, type MetricsAccess } from './metricsRoute';

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

/** Starts the server; resolves once it listens. */
export async function startAgentServer(o: { api: GapscopeApi; metrics: GapscopeMetrics; access: MetricsAccess; host: string; port: number }): Promise<AgentServer> {
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
        server.close(() => r());
        // Scrapers keep their connection open between scrapes.
        server.closeAllConnections();
      }),
  };
}
