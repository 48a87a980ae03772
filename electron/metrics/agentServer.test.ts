// /metrics and /report over a real back end: a real stream on loopback, real HTTP, and promtool
// (Debian's prometheus package) reading the exposition as Prometheus does.
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GapscopeApi } from '../../shared/contract';
import { EXPOSITION_CONTENT_TYPE } from '../../shared/metrics/exposition';
import { waitUntil } from '../../lab/waitUntil';
import { createBackend } from '../app/createBackend';
import type { Backend } from '../kernel/backend';
import { inProcessApi } from '../kernel/inProcessApi';
import { builtWorkerPath, freeUdpPort } from '../testing/builtWorker';
import { startAgentServer, type AgentReport, type AgentServer } from './agentServer';
import { feedMetrics, type MetricsFeed } from './metricsFeed';
import { connectToAgent } from './testing/agentClient';

const TOKEN = 'test-token-0123456789abcdef';
/** A label a user may type: quotes, a backslash and a line feed all have to be escaped. */
const HOSTILE_LABEL = 'cam "front" \\ left\nrow ✓';

let backend: Backend;
let api: GapscopeApi;
let feed: MetricsFeed;
let server: AgentServer;
let port: number;

function promtool(text: string): { ok: boolean; output: string } {
  try {
    return { ok: true, output: execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }) };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { ok: false, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

async function get(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`http://127.0.0.1:${server.port}${path}`, init);
}

const auth = { headers: { Authorization: `Bearer ${TOKEN}` } };

beforeAll(async () => {
  backend = await createBackend({ mode: 'web', dataDir: mkdtempSync(join(tmpdir(), 'gs-metrics-')), workerPath: builtWorkerPath(), watchNetwork: false });
  api = inProcessApi(backend);
  feed = await feedMetrics(api);
  port = await freeUdpPort();
  await api.startStream({ port, address: '127.0.0.1', label: HOSTILE_LABEL, decode: 'seq', gapMs: 200 });
  server = await startAgentServer({ api, metrics: feed.metrics, access: { token: TOKEN }, host: '127.0.0.1', port: 0, backend, apiToken: TOKEN, log: () => undefined });
});

afterAll(async () => {
  await server?.close();
  feed?.close();
  await backend?.close();
});

describe('the agent server', () => {
  it('refuses /metrics and /report without the token, or with another, and says how to send it', async () => {
    for (const path of ['/metrics', '/report']) {
      const none = await get(path);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await none.text()).toMatch(/Authorization: Bearer/);
      expect((await get(path, { headers: { Authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
      expect((await get(path, { headers: { Authorization: `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}` } })).status).toBe(401);
      expect((await get(`${path}?token=${TOKEN}`)).status).toBe(401);
    }
    expect((await get('/', auth)).status).toBe(404);
    expect((await get('/metrics', { ...auth, method: 'POST' })).status).toBe(405);
  });

  it('counts the datagrams sent to the stream, and /report says the same', async () => {
    const sock = createSocket('udp4');
    const payload = Buffer.alloc(64);
    for (let seq = 0; seq < 50; seq++) {
      payload.writeBigUInt64BE(BigInt(seq), 0);
      await new Promise<void>((r) => sock.send(payload, port, '127.0.0.1', () => r()));
    }
    sock.close();
    const line = (text: string): string | undefined => text.split('\n').find((l) => l.startsWith('gapscope_stream_packets_received_total{'));
    let text = '';
    await waitUntil(
      async () => {
        text = await (await get('/metrics', auth)).text();
        return / 50$/.test(line(text) ?? '');
      },
      'the exposition to count 50 datagrams',
      15_000,
    );
    const res = await get('/metrics', auth);
    expect(res.headers.get('content-type')).toBe(EXPOSITION_CONTENT_TYPE);
    expect(line(text)).toBe(`gapscope_stream_packets_received_total{stream="cam \\"front\\" \\\\ left\\nrow ✓",port="${port}"} 50`);
    expect(text).toContain(`gapscope_stream_received_bytes_total{stream="cam \\"front\\" \\\\ left\\nrow ✓",port="${port}"} 3200`);
    const report = (await (await get('/report', auth)).json()) as AgentReport;
    expect(report.streams).toHaveLength(1);
    expect(report.streams[0]).toMatchObject({ stream: HOSTILE_LABEL, report: { packets: 50, bytes: 3200 } });
    const head = await get('/metrics', { ...auth, method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('serves an exposition promtool accepts, names and escaping included', async () => {
    const text = await (await get('/metrics', auth)).text();
    const r = promtool(text);
    expect(r.output).toBe('');
    expect(r.ok).toBe(true);
  });

  it('promtool is a real check: it refuses a broken exposition and an unsuffixed counter', () => {
    expect(promtool('x_total{a="unterminated} 1\n').ok).toBe(false);
    expect(promtool('# HELP x x\n# TYPE x counter\nx 1\n').output).toMatch(/_total/);
  });

  it('serves the contract at /api over web mode\'s WebSocket transport, to a client with the token only', async () => {
    const url = `ws://127.0.0.1:${server.port}/api`;
    await expect(connectToAgent(url, `${TOKEN}x`)).rejects.toThrow(/refused the token/);
    const client = await connectToAgent(url, TOKEN);
    try {
      const streams = await client.api.listStreams();
      expect(streams.map((s) => s.config.label)).toEqual([HOSTILE_LABEL]);
      // The door is the same: a bad argument is refused with the contract's sentence.
      await expect(client.api.stopStream('NOT AN ID')).rejects.toMatchObject({ code: 'invalid-argument' });
      const update = new Promise<number>((resolve) => {
        const off = client.api.on('streamUpdate', (u) => {
          off();
          resolve(u.delta.totals.packets);
        });
      });
      expect(await update).toBeGreaterThanOrEqual(50);
    } finally {
      client.close();
    }
  });

  it('refuses /api to a browser page, whatever token it has', async () => {
    const { default: WebSocket } = await import('ws');
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${TOKEN}`, { headers: { Origin: 'http://evil.example' } });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => reject(new Error('a page from another origin was let in')));
      ws.on('error', () => undefined);
    });
    expect(status).toBe(403);
  });
});
