// Web mode on loopback: the token, Host and Origin checks, static files, and the contract over a real WebSocket.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerMessage } from '../../shared/rpc/envelope';
import { createBackend } from '../app/createBackend';
import type { Backend } from '../app/backend';
import { startWebServer, type WebServer } from './webServer';

let backend: Backend;
let server: WebServer;

beforeEach(async () => {
  const root = mkdtempSync(join(tmpdir(), 'gs-web-'));
  mkdirSync(join(root, 'ui', 'assets'), { recursive: true });
  writeFileSync(join(root, 'ui', 'index.html'), '<!doctype html><title>Gapscope</title>');
  writeFileSync(join(root, 'ui', 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(root, 'secret.txt'), 'not for the web');
  backend = await createBackend({ mode: 'web', dataDir: join(root, 'data') });
  server = await startWebServer({ backend, staticDir: join(root, 'ui'), token: 'test-token-123' });
});

afterEach(async () => {
  await server.close();
  await backend.close();
});

function get(path: string, host = `127.0.0.1:${server.port}`): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers: { Host: host } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function open(token: string, origin?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${token}`, { headers: origin ? { Origin: origin } : {} });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function call(ws: WebSocket, msg: unknown): Promise<ServerMessage> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const m = JSON.parse(data.toString()) as ServerMessage;
      if (m.type === 'reply') {
        ws.off('message', onMessage);
        resolve(m);
      }
    };
    ws.on('message', onMessage);
    ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  });
}

describe('web mode', () => {
  it('listens on loopback and prints a URL carrying the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=test-token-123`);
  });

  it('serves the UI with a strict CSP, and nothing outside its folder', async () => {
    const index = await get('/?token=x');
    expect(index.status).toBe(200);
    expect(index.body).toContain('<title>Gapscope</title>');
    expect(String(index.headers['content-security-policy'])).toContain("script-src 'self'");
    expect((await get('/assets/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get('/../secret.txt')).body).not.toContain('not for the web');
    expect((await get('/%2e%2e/secret.txt')).status).toBe(404);
    expect((await get('/..%2fsecret.txt')).status).toBe(403);
    expect((await get('/missing.js')).status).toBe(404);
  });

  it('refuses a Host it did not bind (DNS rebinding)', async () => {
    expect((await get('/', `evil.example:${server.port}`)).status).toBe(421);
  });

  it('refuses the API without the right token or from another origin', async () => {
    await expect(open('wrong')).rejects.toThrow(/403/);
    await expect(open('test-token-123', 'http://evil.example')).rejects.toThrow(/403/);
  });

  it('answers contract calls and validates them at the door', async () => {
    const ws = await open('test-token-123', `http://127.0.0.1:${server.port}`);
    const info = await call(ws, { type: 'call', id: 1, method: 'getAppInfo', args: [] });
    expect(info).toMatchObject({ type: 'reply', id: 1, outcome: { ok: true, value: { mode: 'web' } } });
    const bad = await call(ws, { type: 'call', id: 2, method: 'startStream', args: [{ port: 'four thousand' }] });
    expect(bad).toMatchObject({ id: 2, outcome: { ok: false, error: { code: 'invalid-argument' } } });
    const unknown = await call(ws, { type: 'call', id: 3, method: 'formatDisk', args: [] });
    expect(unknown).toMatchObject({ id: 3, outcome: { ok: false, error: { code: 'unknown-method', message: 'Unknown request "formatDisk"' } } });
    const malformed = await call(ws, { type: 'call', id: 4, method: 'getAppInfo' });
    expect(malformed).toMatchObject({ id: 4, outcome: { ok: false, error: { code: 'invalid-argument', message: 'Malformed request.' } } });
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.send('not json');
    expect(await closed).toBe(1007);
  });
});
