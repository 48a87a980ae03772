/**
 * GET /metrics: the Prometheus text exposition, behind the same per-launch token as web mode's
 * API, given the way scrapers send it (`Authorization: Bearer <token>`; Prometheus's
 * `authorization.credentials_file`). Open without a token only when the command was told so
 * explicitly (--metrics-without-token, for a private network).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { encodeExposition, EXPOSITION_CONTENT_TYPE, type MetricFamily } from '../../shared/metrics/exposition';
import { tokenMatches } from '../web/access';

/** Who may scrape: anyone holding the token, or anyone at all (an explicit choice). */
export type MetricsAccess = { token: string } | { open: true };

/** The bearer token of an Authorization header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const m = /^Bearer +([^\s]+) *$/i.exec(header ?? '');
  return m ? m[1]! : null;
}

/** Whether a request may read what the access rule protects. */
export function mayRead(req: IncomingMessage, access: MetricsAccess): boolean {
  return 'open' in access || tokenMatches(bearerToken(req.headers.authorization), access.token);
}

/** Answers a request for /metrics (GET or HEAD; the caller has checked the path and the Host). */
export function serveMetrics(req: IncomingMessage, res: ServerResponse, access: MetricsAccess, families: () => MetricFamily[]): void {
  if (!mayRead(req, access)) {
    res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8', 'WWW-Authenticate': 'Bearer realm="gapscope"' });
    res.end('Unauthorized: send the token as "Authorization: Bearer <token>" (Prometheus: authorization.credentials_file).\n');
    return;
  }
  let body: string;
  try {
    body = encodeExposition(families());
  } catch (e) {
    res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`The metrics could not be written: ${e instanceof Error ? e.message : String(e)}\n`);
    return;
  }
  res.writeHead(200, { 'Content-Type': EXPOSITION_CONTENT_TYPE, 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
  res.end(req.method === 'HEAD' ? undefined : body);
}
