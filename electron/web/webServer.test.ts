// Web mode on loopback: the token, Host and Origin checks, static files, the contract over a real
// WebSocket, and the download of a session's capture recorded from a real loopback stream.
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { GapscopeApi } from '../../shared/contract';
import { CaptureReader, type CaptureRecord } from '../../shared/pcapng/read';
import { enhancedPacketBlock, interfaceDescriptionBlock, sectionHeaderBlock } from '../../shared/pcapng/write';
import type { ServerMessage } from '../../shared/rpc/envelope';
import { createBackend } from '../app/createBackend';
import type { Backend } from '../kernel/backend';
import { builtWorkerPath, freeUdpPort } from '../testing/builtWorker';
import type { NetworkInterfaceInfo } from 'node:os';
import { loopbackDrops } from '../../lab/loopbackDrops';
import { waitUntil } from '../../lab/waitUntil';
import { listeningAddresses, startWebServer, type WebServer } from './webServer';
import { inProcessApi } from '../kernel/inProcessApi';
import { MAX_CLIENTS_LIMIT, tooManyClientsReason } from './apiSocket';

let backend: Backend;
let server: WebServer;
let logged: string[] = [];

beforeEach(async () => {
  const root = mkdtempSync(join(tmpdir(), 'gs-web-'));
  mkdirSync(join(root, 'ui', 'assets'), { recursive: true });
  writeFileSync(join(root, 'ui', 'index.html'), '<!doctype html><title>Gapscope</title>');
  writeFileSync(join(root, 'ui', 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(root, 'secret.txt'), 'not for the web');
  backend = await createBackend({ mode: 'web', dataDir: join(root, 'data') });
  logged = [];
  server = await startWebServer({ backend, staticDir: join(root, 'ui'), token: 'test-token-123', maxClients: 3, log: (l) => logged.push(l) });
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
    expect(server.urls).toEqual([server.url]);
  });

  it('bound to every address, names the addresses it can be opened at, reachable ones first', () => {
    const nic = (address: string, family: 'IPv4' | 'IPv6', internal = false) => ({ address, family, internal, netmask: '', mac: '', cidr: null, ...(family === 'IPv6' ? { scopeid: 0 } : {}) }) as NetworkInterfaceInfo;
    const machine = { lo: [nic('127.0.0.1', 'IPv4', true), nic('::1', 'IPv6', true)], wlan0: [nic('192.168.4.20', 'IPv4'), nic('fe80::1', 'IPv6'), nic('fd00::20', 'IPv6')] };
    // Never 127.0.0.1 first when other machines are meant to open it.
    expect(listeningAddresses('0.0.0.0', machine)).toEqual(['192.168.4.20', '127.0.0.1']);
    // Link-local IPv6 needs a zone that a URL cannot carry.
    expect(listeningAddresses('::', machine)).toEqual(['192.168.4.20', 'fd00::20', '127.0.0.1', '::1']);
    expect(listeningAddresses('10.99.0.2', machine)).toEqual(['10.99.0.2']);
    expect(listeningAddresses('0.0.0.0', { lo: [nic('127.0.0.1', 'IPv4', true)] })).toEqual(['127.0.0.1']);
  });

  it('serves the UI with a strict CSP, and nothing outside its folder', async () => {
    const index = await get('/?token=x');
    expect(index.status).toBe(200);
    expect(index.body).toContain('<title>Gapscope</title>');
    expect(String(index.headers['content-security-policy'])).toContain("script-src 'self'");
    // The socket the page may open is its own origin's, as the browser named it; no other host.
    expect(String(index.headers['content-security-policy'])).toContain(`connect-src 'self' ws://127.0.0.1:${server.port};`);
    expect(String((await get('/', `localhost:${server.port}`)).headers['content-security-policy'])).toContain(`connect-src 'self' ws://localhost:${server.port};`);
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

// --- Bad clients ---------------------------------------------------------------------------------

/** Opens a raw socket, sends `bytes` after the upgrade (or instead of it), and resolves with all the server sent. */
function raw(upgrade: string, after?: Buffer): Promise<Buffer> {
  return new Promise((resolve) => {
    const s = connect(server.port, '127.0.0.1');
    const parts: Buffer[] = [];
    s.on('data', (d: Buffer) => {
      parts.push(d);
      if (after && Buffer.concat(parts).includes('\r\n\r\n') && !s.destroyed) {
        s.write(after);
        after = undefined;
      }
    });
    s.on('error', () => undefined);
    s.on('close', () => resolve(Buffer.concat(parts)));
    s.write(upgrade);
  });
}

const upgradeTo = (path: string) =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;

/** The close frame at the end of what the server sent: its code and reason. */
function closeFrame(bytes: Buffer): { code: number; reason: string } {
  const at = bytes.indexOf('\r\n\r\n') + 4;
  expect(bytes[at]).toBe(0x88);
  const len = bytes[at + 1]!;
  return { code: bytes.readUInt16BE(at + 2), reason: bytes.subarray(at + 4, at + 2 + len).toString() };
}

describe('bad clients', () => {
  it('are dropped with a close code and a sentence, counted in getHealth and logged; the server goes on', async () => {
    // A text frame with RSV1 set (no extension was agreed), masked as a client's must be.
    const rsv1 = Buffer.from([0xc1, 0x82, 1, 2, 3, 4, 0x7b ^ 1, 0x7d ^ 2]);
    expect(closeFrame(await raw(upgradeTo('/api?token=test-token-123'), rsv1))).toEqual({ code: 1002, reason: expect.stringMatching(/^Protocol error: not a valid WebSocket frame/) });
    // A header announcing 1 MiB: refused before any of it is read.
    const big = Buffer.from([0x81, 0xff, 0, 0, 0, 0, 0, 0x10, 0, 0, 1, 2, 3, 4]);
    expect(closeFrame(await raw(upgradeTo('/api?token=test-token-123'), big))).toEqual({ code: 1009, reason: 'Message too large: at most 256 KiB.' });
    const ws = await open('test-token-123');
    const health = await call(ws, { type: 'call', id: 1, method: 'getHealth', args: [] });
    expect(health).toMatchObject({ outcome: { ok: true, value: { web: { connected: 1, maxClients: 3, dropped: 2, reasons: { 'invalid frame': 1, 'message too large': 1 } } } } });
    expect(logged[0]).toMatch(/^web mode dropped a client \(invalid frame: Invalid WebSocket frame: RSV1 must be clear\); 0 refused and 1 dropped since start/);
    ws.close();
  });

  it('that reset their refused upgrade at once leave the server up', async () => {
    await Promise.all(
      Array.from({ length: 100 }, () => new Promise<void>((resolve) => {
        const s = connect(server.port, '127.0.0.1', () => {
          s.write(upgradeTo('/api'));
          s.resetAndDestroy();
          resolve();
        });
        s.on('error', () => resolve());
      })),
    );
    const ws = await open('test-token-123');
    expect(await call(ws, { type: 'call', id: 1, method: 'getAppInfo', args: [] })).toMatchObject({ outcome: { ok: true } });
    ws.close();
  });

  it('over --max-clients are let in only to be closed with 1013 and a sentence a page can show, and never served', async () => {
    const three = await Promise.all([open('test-token-123'), open('test-token-123'), open('test-token-123')]);
    const sentence = 'Gapscope is at its limit of 3 clients: close another tab or client, or restart serve with a higher --max-clients.';
    // What a browser gets: the handshake succeeds, then the close frame carries the reason.
    const fourth = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=test-token-123`);
    const replies: unknown[] = [];
    fourth.on('message', (d) => replies.push(d.toString()));
    fourth.once('open', () => fourth.send(JSON.stringify({ type: 'call', id: 1, method: 'getAppInfo', args: [] })));
    const [code, reason] = await new Promise<[number, string]>((resolve) => fourth.once('close', (c, r) => resolve([c, r.toString()])));
    expect([code, reason]).toEqual([1013, sentence]);
    expect(replies).toEqual([]);
    // The close frame itself, as the bytes on the wire.
    expect(closeFrame(await raw(upgradeTo('/api?token=test-token-123')))).toEqual({ code: 1013, reason: sentence });
    // The clients in are served as before, and the refusals are counted.
    const health = await call(three[0]!, { type: 'call', id: 2, method: 'getHealth', args: [] });
    expect(health).toMatchObject({ outcome: { ok: true, value: { web: { connected: 3, refused: 2, reasons: { 'too many clients': 2 } } } } });
    for (const ws of three) ws.close();
  });

  it('keeps the too-many-clients sentence within a close frame (123 bytes) up to the largest --max-clients', () => {
    expect(Buffer.byteLength(tooManyClientsReason(MAX_CLIENTS_LIMIT))).toBeLessThanOrEqual(123);
  });

  it('whose request target is not a URL get a 400, not a crash', async () => {
    const answer = (await raw(`GET //[ HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`)).toString();
    expect(answer).toMatch(/^HTTP\/1.1 400 /);
    expect(answer).toContain('Bad request: the request target is not a URL path.');
    expect((await raw(upgradeTo('//['))).toString()).toMatch(/^HTTP\/1.1 404 Not Found\r\n/);
  });
});

// --- Session capture downloads -------------------------------------------------------------------

/** GET with the body as bytes. */
function getBytes(srv: WebServer, path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: srv.port, path, method, headers: { Host: `127.0.0.1:${srv.port}` } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
    });
    req.on('error', reject);
    req.end();
  });
}

function readCapture(bytes: Uint8Array): { format: string | null; records: CaptureRecord[]; warnings: unknown[] } {
  const records: CaptureRecord[] = [];
  const r = new CaptureReader((x) => records.push({ ...x, data: x.data.slice() }));
  r.push(bytes);
  r.end();
  return { format: r.format, records, warnings: r.warnings.list() };
}

/** The sequence number Gapscope's test sender put at the start of a payload (after IPv4 + UDP headers). */
function seqOf(r: CaptureRecord): number {
  const d = Buffer.from(r.data);
  return d.readUInt32BE(d.length - 120);
}

describe('session capture download', { timeout: 60_000 }, () => {
  let dl: { root: string; backend: Backend; server: WebServer; api: GapscopeApi; id: string; capture: Buffer; packets: number };
  let root = '';
  let b: Backend | null = null;
  let srv: WebServer | null = null;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'gs-web-dl-'));
    mkdirSync(join(root, 'ui'));
    writeFileSync(join(root, 'ui', 'index.html'), '<!doctype html><title>Gapscope</title>');
    // setSessionFolder writes into the data folder without creating it (reported to the back end's owner).
    mkdirSync(join(root, 'data'));
    b = await createBackend({ mode: 'web', dataDir: join(root, 'data'), workerPath: builtWorkerPath() });
    srv = await startWebServer({ backend: b, staticDir: join(root, 'ui'), token: 'dl-token' });
    const back = b;
    const api = inProcessApi(back);
    await api.setSessionFolder(join(root, 'sessions'));
    // A real small recording: 100 datagrams, a 600 ms pause, 100 more (loopback only).
    const port = await freeUdpPort();
    const info = await api.startStream({ port, address: '127.0.0.1', gapMs: 200 });
    await api.startRecording();
    const sock = createSocket('udp4');
    const burst = async (from: number) => {
      for (let i = 0; i < 100; i++) {
        const p = Buffer.alloc(120, 0x5a);
        p.writeUInt32BE(from + i, 0);
        sock.send(p, port, '127.0.0.1');
        if (i % 10 === 9) await new Promise((r) => setTimeout(r, 2));
      }
    };
    // Until the stream has every datagram that was not dropped (loopback may drop a few under load).
    const got = async () => (await api.getStreamState(info.id)).snapshot.totals.packets;
    await burst(0);
    // The pause starts once the first burst is read, so a receiver that reads late cannot fold it away.
    await waitUntil(async () => (await got()) + (loopbackDrops(port) ?? 0) >= 100, '100 datagrams received or dropped', 30_000);
    await new Promise((r) => setTimeout(r, 600));
    await burst(100);
    await waitUntil(async () => (await got()) + (loopbackDrops(port) ?? 0) >= 200, '200 datagrams received or dropped', 30_000);
    sock.close();
    await api.stopStream(info.id);
    await api.stopRecording();
    const [summary] = await api.listSessions();
    const capture = readFileSync(join(root, 'sessions', summary!.id, 'capture.pcapng'));
    dl = { root, backend: b, server: srv, api, id: summary!.id, capture, packets: summary!.packets };
  });

  afterAll(async () => {
    // Also after a failed setup: whatever was started is stopped and the folder goes.
    await srv?.close();
    await b?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('serves the whole capture as recorded, as an attachment that tshark reads', async () => {
    expect(dl.packets).toBeGreaterThan(150); // loopback may drop a few under load, not most
    const res = await getBytes(dl.server, `/sessions/${dl.id}/capture.pcapng?token=dl-token`);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="gapscope-${dl.id}.pcapng"`);
    expect(Number(res.headers['content-length'])).toBe(dl.capture.length);
    expect(res.body.equals(dl.capture)).toBe(true);
    expect(res.body.readUInt32BE(0)).toBe(0x0a0d0d0a);
    const file = join(dl.root, 'whole.pcapng');
    writeFileSync(file, res.body);
    const frames = execFileSync('tshark', ['-r', file, '-Y', 'udp', '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(frames.trim().split('\n')).toHaveLength(dl.packets);
    const head = await getBytes(dl.server, `/sessions/${dl.id}/capture.pcapng?token=dl-token`, 'HEAD');
    expect([head.status, head.body.length, Number(head.headers['content-length'])]).toEqual([200, 0, dl.capture.length]);
  });

  it('serves a time range: exactly the packets between from and to, which tshark reads', async () => {
    const whole = readCapture(dl.capture).records.filter((r) => r.data.length > 120);
    const t0 = whole[0]!.timeMs;
    // The second burst starts ≥ 600 ms after the first: a range from 0.4 s to the end holds it alone.
    const expected = whole.filter((r) => r.timeMs - t0 >= 400).map(seqOf);
    expect(expected.length).toBeGreaterThan(50);
    expect(Math.min(...expected)).toBeGreaterThanOrEqual(100);

    const res = await getBytes(dl.server, `/sessions/${dl.id}/capture.pcapng?from=0.4&to=3600&token=dl-token`);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="gapscope-${dl.id}-0.4s-3600s.pcapng"`);
    expect(res.body.readUInt32BE(0)).toBe(0x0a0d0d0a);
    const back = readCapture(res.body);
    expect(back.format).toBe('pcapng');
    expect(back.warnings).toEqual([]);
    expect(back.records.map(seqOf)).toEqual(expected);
    expect(back.records.every((r) => r.timeMs - t0 >= 400)).toBe(true);
    const file = join(dl.root, 'range.pcapng');
    writeFileSync(file, res.body);
    const udp = execFileSync('tshark', ['-r', file, '-T', 'fields', '-e', 'udp.length'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(udp.trim().split('\n')).toEqual(expected.map(() => '128'));

    const firstBurst = readCapture((await getBytes(dl.server, `/sessions/${dl.id}/capture.pcapng?to=0.3&token=dl-token`)).body).records.map(seqOf);
    expect(firstBurst).toEqual(whole.filter((r) => r.timeMs - t0 <= 300).map(seqOf));
    expect(Math.max(...firstBurst)).toBeLessThan(100);
  });

  it('checks the id, the range and the token at the door with one clear line', async () => {
    const bad = async (path: string) => {
      const r = await getBytes(dl.server, path);
      return [r.status, r.body.toString('utf8')];
    };
    expect(await bad(`/sessions/${dl.id}/capture.pcapng`)).toEqual([403, 'Forbidden: this link needs the token of the current Gapscope window.\n']);
    expect(await bad(`/sessions/${dl.id}/capture.pcapng?token=wrong`)).toEqual([403, 'Forbidden: this link needs the token of the current Gapscope window.\n']);
    expect(await bad(`/sessions/..%2F..%2Fetc/capture.pcapng?token=dl-token`)).toEqual([400, '"../../etc" is not a session id.\n']);
    expect(await bad(`/sessions/%E0%A4%A/capture.pcapng?token=dl-token`)).toEqual([400, 'The session id is not valid URL encoding.\n']);
    expect(await bad(`/sessions/no-such-session/capture.pcapng?token=dl-token`)).toEqual([404, expect.stringMatching(/^No session no-such-session in .*\.\n$/)]);
    expect(await bad(`/sessions/${dl.id}/other.txt?token=dl-token`)).toEqual([404, 'Not found: a session capture is at /sessions/<id>/capture.pcapng.\n']);
    expect(await bad(`/sessions/${dl.id}/capture.pcapng?from=abc&token=dl-token`)).toEqual([400, `from must be a number of seconds since the session's first packet (e.g. 2.5), not "abc".\n`]);
    expect(await bad(`/sessions/${dl.id}/capture.pcapng?from=-1&to=2&token=dl-token`)).toEqual([400, expect.stringContaining('from must be a number of seconds')]);
    expect(await bad(`/sessions/${dl.id}/capture.pcapng?from=1e3&token=dl-token`)).toEqual([400, expect.stringContaining('not "1e3"')]);
    expect(await bad(`/sessions/${dl.id}/capture.pcapng?from=5&to=2&token=dl-token`)).toEqual([400, 'from (5 s) must not be after to (2 s).\n']);
    expect(await bad(`/sessions/${dl.id}/capture.pcapng?to=99999999&token=dl-token`)).toEqual([400, 'to must be at most 31622400 seconds.\n']);
    const misdirected = await new Promise<number>((resolve) => {
      request({ host: '127.0.0.1', port: dl.server.port, path: `/sessions/${dl.id}/capture.pcapng?token=dl-token`, headers: { Host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).end();
    });
    expect(misdirected).toBe(421);
  });

  it('refuses a session that is still being recorded, and one whose capture is gone', async () => {
    const port = await freeUdpPort();
    const info = await dl.api.startStream({ port, address: '127.0.0.1' });
    const rec = await dl.api.startRecording();
    const live = await getBytes(dl.server, `/sessions/${rec.sessionId}/capture.pcapng?token=dl-token`);
    expect([live.status, live.body.toString('utf8')]).toEqual([400, expect.stringMatching(/is still being recorded; stop the recording, then download it\.\n$/)]);
    await dl.api.stopStream(info.id);
    await dl.api.stopRecording();
    rmSync(join(dl.root, 'sessions', rec.sessionId!, 'capture.pcapng'));
    const gone = await getBytes(dl.server, `/sessions/${rec.sessionId}/capture.pcapng?token=dl-token`);
    expect([gone.status, gone.body.toString('utf8')]).toEqual([404, expect.stringMatching(/^The capture of session .* is missing from /)]);
  });

  it('streams a large range with backpressure, and a client that goes away mid-download does not stall the server', async () => {
    // A 100,000-packet capture (≈ 23 MB, one packet per ms) in a session folder of its own.
    const bigId = 'big-capture';
    const dir = join(dl.root, 'sessions', bigId);
    mkdirSync(dir);
    const record = await dl.api.getSession(dl.id);
    writeFileSync(join(dir, 'session.json'), JSON.stringify({ ...record, id: bigId, name: 'big' }));
    const fd = openSync(join(dir, 'capture.pcapng'), 'w');
    writeSync(fd, sectionHeaderBlock({ userAppl: 'test' }));
    writeSync(fd, interfaceDescriptionBlock({ name: 'lo', tsresol: 6 }));
    const payload = new Uint8Array(200);
    for (let i = 0; i < 100_000; i++) {
      new DataView(payload.buffer).setUint32(0, i);
      writeSync(fd, enhancedPacketBlock(0, 1_800_000_000_000 + i, 6, payload));
    }
    closeSync(fd);

    // Cut the connection after the first bytes, several times over.
    for (let k = 0; k < 3; k++) {
      await new Promise<void>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: dl.server.port, path: `/sessions/${bigId}/capture.pcapng?from=0&to=90&token=dl-token`, headers: { Host: `127.0.0.1:${dl.server.port}` } }, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve() : reject(e)));
        req.end();
      });
    }
    // The server still answers, and a whole range arrives intact: packets 10,000 ms to 60,000 ms after the first.
    const res = await getBytes(dl.server, `/sessions/${bigId}/capture.pcapng?from=10&to=60&token=dl-token`);
    expect(res.status).toBe(200);
    expect(res.body.length).toBeGreaterThan(10_000_000);
    const back = readCapture(res.body);
    expect(back.records).toHaveLength(50_001);
    expect([Buffer.from(back.records[0]!.data).readUInt32BE(0), Buffer.from(back.records.at(-1)!.data).readUInt32BE(0)]).toEqual([10_000, 60_000]);
  });
});
