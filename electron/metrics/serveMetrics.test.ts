// Web mode's /metrics: the per-launch token as a bearer token, the Host rules still applied, open
// only when asked; what `gapscope serve` passes (a feed over its own back end) is what is served.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackend } from '../app/createBackend';
import type { Backend } from '../kernel/backend';
import { inProcessApi } from '../kernel/inProcessApi';
import { startWebServer, type WebServer } from '../web/webServer';
import { feedMetrics, type MetricsFeed } from './metricsFeed';

let backend: Backend | null = null;
let server: WebServer | null = null;
let feed: MetricsFeed | null = null;

async function start(withoutToken: boolean | null): Promise<WebServer> {
  const root = mkdtempSync(join(tmpdir(), 'gs-serve-metrics-'));
  mkdirSync(join(root, 'ui'));
  writeFileSync(join(root, 'ui', 'index.html'), '<!doctype html><title>Gapscope</title>');
  backend = await createBackend({ mode: 'web', dataDir: join(root, 'data'), watchNetwork: false });
  feed = await feedMetrics(inProcessApi(backend));
  const metrics = withoutToken === null ? undefined : { families: () => feed!.metrics.families(), withoutToken };
  server = await startWebServer({ backend, staticDir: join(root, 'ui'), token: 'serve-token-123', metrics, log: () => undefined });
  return server;
}

afterEach(async () => {
  await server?.close();
  feed?.close();
  await backend?.close();
  server = null;
  backend = null;
  feed = null;
});

function get(s: WebServer, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: s.port, path, headers: { Host: `127.0.0.1:${s.port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serve /metrics', () => {
  it('answers with the token as a bearer token only, and refuses a Host that does not name the server', async () => {
    const s = await start(false);
    expect((await get(s, '/metrics')).status).toBe(401);
    expect((await get(s, '/metrics?token=serve-token-123')).status).toBe(401);
    const ok = await get(s, '/metrics', { Authorization: 'Bearer serve-token-123' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatch(/^# HELP gapscope_build_info /);
    expect(ok.body).toContain('gapscope_bonjour_browsing 0\n');
    expect((await get(s, '/metrics', { Authorization: 'Bearer serve-token-123', Host: 'evil.example:80' })).status).toBe(421);
  });

  it('is open without the token only when told so', async () => {
    const s = await start(true);
    expect((await get(s, '/metrics')).status).toBe(200);
  });

  it('is not there when the caller passes no metrics', async () => {
    const s = await start(null);
    expect((await get(s, '/metrics', { Authorization: 'Bearer serve-token-123' })).body).not.toMatch(/gapscope_build_info/);
  });
});
