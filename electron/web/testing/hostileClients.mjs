#!/usr/bin/env node
// Hostile and well-behaved clients of web mode, run inside the lab's inspector namespace beside
// `gapscope serve` (the lab test cannot reach that namespace's loopback from outside).
//
//   node hostileClients.mjs MODE --port P [--token T] [...]
//
// Modes (each prints one JSON line on stdout at the end; `slow` prints a "ready" line first):
//   storm   --count N --rounds R        upgrade requests to /api without the token, each reset at once
//   frames                              one raw connection per malformed frame kind; the close each got
//   oversize --max BYTES                messages over the limit: one frame, and fragments adding up to it
//   flood   --messages N                N calls as fast as the socket takes them
//   clients --count N                   N WebSocket clients at once: how many were served, how many closed at once and why
//   request --path P [--host-header H] [--origin O] [--cookie C] [--upgrade 1]
//                                       one HTTP request (or WebSocket upgrade): its status, headers and body
//   slow    --count N --seconds S --stream-port SP
//                                       N clients that never read, a stream on SP, and one good client
//                                       counting its streamUpdate events per second for S seconds
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import WebSocket from 'ws';

function parseArgs(argv) {
  const opts = { mode: argv[0], count: 300, rounds: 10, seconds: 30, messages: 2000, max: 256 * 1024 };
  for (let i = 1; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '').replace(/-(\w)/g, (_, c) => c.toUpperCase());
    const value = argv[++i];
    opts[key] = key === 'token' || !/^\d+$/.test(value) ? value : Number(value);
  }
  opts.host ??= '127.0.0.1';
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const print = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function upgradeRequest(path) {
  return (
    `GET ${path} HTTP/1.1\r\nHost: ${opts.host}:${opts.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`
  );
}

/** A client-to-server frame with every bit under the caller's control. */
function frame({ fin = true, rsv1 = false, opcode = 1, mask = true, payload = Buffer.alloc(0), declaredLength }) {
  const len = declaredLength ?? payload.length;
  const head = [((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode) & 0xff];
  const maskBit = mask ? 0x80 : 0;
  let ext = Buffer.alloc(0);
  if (len < 126) head.push(maskBit | len);
  else if (len < 65536) {
    head.push(maskBit | 126);
    ext = Buffer.alloc(2);
    ext.writeUInt16BE(len);
  } else {
    head.push(maskBit | 127);
    ext = Buffer.alloc(8);
    ext.writeBigUInt64BE(BigInt(len));
  }
  if (!mask) return Buffer.concat([Buffer.from(head), ext, payload]);
  const key = randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] ^= key[i % 4];
  return Buffer.concat([Buffer.from(head), ext, key, body]);
}

/** Opens a raw connection with the token; calls onOpen(socket) once upgraded; resolves with the close frame the server sent (code, reason) or how the socket ended. */
function rawSessionWith(onOpen) {
  return new Promise((resolve) => {
    const socket = net.connect(opts.port, opts.host);
    let buf = Buffer.alloc(0);
    let upgraded = false;
    let done = false;
    const result = { status: '', close: null, ended: null, frames: 0 };
    const finish = (how) => {
      if (done) return;
      done = true;
      result.ended = how;
      socket.destroy();
      resolve(result);
    };
    socket.on('error', (e) => finish(e.code ?? e.message));
    socket.on('close', () => finish('closed'));
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        result.status = buf.subarray(0, buf.indexOf('\r\n')).toString();
        buf = buf.subarray(end + 4);
        if (!result.status.startsWith('HTTP/1.1 101')) return finish('refused');
        upgraded = true;
        onOpen(socket);
      }
      while (buf.length >= 2) {
        const opcode = buf[0] & 0x0f;
        let len = buf[1] & 0x7f;
        let at = 2;
        if (len === 126) {
          if (buf.length < 4) return;
          len = buf.readUInt16BE(2);
          at = 4;
        } else if (len === 127) {
          if (buf.length < 10) return;
          len = Number(buf.readBigUInt64BE(2));
          at = 10;
        }
        if (buf.length < at + len) return;
        const payload = buf.subarray(at, at + len);
        buf = buf.subarray(at + len);
        result.frames++;
        if (opcode === 8) {
          result.close = { code: payload.length >= 2 ? payload.readUInt16BE(0) : null, reason: payload.subarray(2).toString('utf8') };
          return finish('close-frame');
        }
      }
    });
    socket.on('connect', () => socket.write(upgradeRequest(`/api?token=${encodeURIComponent(opts.token)}`)));
  });
}

/** Sends `frames` on a fresh upgraded connection and reports the server's close. */
async function sendRaw(frames) {
  return rawSessionWith((socket) => {
    for (const f of frames) socket.write(f);
  });
}

/** A well-behaved client: the real ws library, as a browser would use the API. */
function goodClient() {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${opts.host}:${opts.port}/api?token=${encodeURIComponent(opts.token)}`);
    let nextId = 1;
    const pending = new Map();
    const listeners = new Set();
    const received = { bytes: 0 };
    ws.on('message', (data) => {
      received.bytes += data.length;
      const m = JSON.parse(data.toString());
      if (m.type === 'reply') {
        pending.get(m.id)?.(m.outcome);
        pending.delete(m.id);
      } else for (const l of listeners) l(m);
    });
    const client = {
      ws,
      call: (method, ...args) =>
        new Promise((ok, fail) => {
          const id = nextId++;
          pending.set(id, (o) => (o.ok ? ok(o.value) : fail(new Error(`${method}: ${o.error.message}`))));
          ws.send(JSON.stringify({ type: 'call', id, method, args }));
        }),
      onEvent: (l) => listeners.add(l),
      received,
      closed: new Promise((r) => ws.once('close', (code, reason) => r({ code, reason: reason.toString() }))),
    };
    // Served, not only let in: a client over the cap is let in and closed at once (1013) without an answer.
    ws.once('open', () => client.call('getAppInfo').then(() => resolve(client), reject));
    client.closed.then(({ code, reason }) => reject(new Error(`closed ${code}: ${reason}`)));
    ws.once('error', reject);
  });
}

async function storm() {
  const request = upgradeRequest('/api');
  let connected = 0;
  let failed = 0;
  const alive = [];
  for (let round = 0; round < opts.rounds; round++) {
    await Promise.all(
      Array.from(
        { length: opts.count },
        () =>
          new Promise((resolve) => {
            const s = net.connect(opts.port, opts.host);
            s.on('error', () => {
              failed++;
              resolve();
            });
            s.on('connect', () => {
              connected++;
              s.write(request);
              s.resetAndDestroy();
              resolve();
            });
          }),
      ),
    );
    // The server must still answer after each round.
    const c = await goodClient();
    alive.push((await c.call('getAppInfo')).mode === 'web');
    c.ws.close();
  }
  print({ mode: 'storm', rounds: opts.rounds, connected, failed, aliveAfterEachRound: alive });
}

async function frames() {
  const text = (s) => Buffer.from(s, 'utf8');
  const call = text(JSON.stringify({ type: 'call', id: 1, method: 'getAppInfo', args: [] }));
  const kinds = {
    'invalid UTF-8': [frame({ payload: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) })],
    'unknown opcode': [frame({ opcode: 0x3, payload: call })],
    unmasked: [frame({ mask: false, payload: call })],
    'RSV1 set': [frame({ rsv1: true, payload: call })],
    'control frame over 125 bytes': [frame({ opcode: 0x9, payload: Buffer.alloc(200) })],
    'fragmented control frame': [frame({ opcode: 0x9, fin: false, payload: Buffer.alloc(4) })],
    'continuation without a start': [frame({ opcode: 0x0, payload: call })],
    'binary message': [frame({ opcode: 0x2, payload: call })],
  };
  const results = {};
  for (const [kind, fs] of Object.entries(kinds)) results[kind] = await sendRaw(fs);
  const c = await goodClient();
  const alive = (await c.call('getAppInfo')).mode === 'web';
  c.ws.close();
  print({ mode: 'frames', results, alive });
}

async function oversize() {
  const big = Buffer.alloc(opts.max + 1, 0x61);
  const half = Buffer.alloc(Math.ceil((opts.max + 1) / 2), 0x61);
  const results = {
    // The header alone announces too much: the server must not wait for (or buffer) the payload.
    'one frame announcing max + 1 bytes': await sendRaw([frame({ declaredLength: opts.max + 1, payload: Buffer.alloc(0) })]),
    'one frame of max + 1 bytes': await sendRaw([frame({ payload: big })]),
    'two fragments adding up to max + 1': await sendRaw([frame({ fin: false, payload: half }), frame({ opcode: 0, payload: half })]),
    'a 2^62-byte length': await sendRaw([frame({ declaredLength: 2 ** 62, payload: Buffer.alloc(0) })]),
  };
  // A message just under the limit is still answered (as malformed JSON: a clear 1007).
  const under = await sendRaw([frame({ payload: Buffer.alloc(opts.max - 8, 0x20) })]);
  const c = await goodClient();
  const alive = (await c.call('getAppInfo')).mode === 'web';
  c.ws.close();
  print({ mode: 'oversize', results, under, alive });
}

async function flood() {
  const c = await goodClient();
  let replies = 0;
  const msg = JSON.stringify({ type: 'call', id: 1, method: 'getAppInfo', args: [] });
  c.ws.on('message', () => replies++);
  for (let i = 0; i < opts.messages && c.ws.readyState === WebSocket.OPEN; i++) c.ws.send(msg);
  const closed = await c.closed;
  const other = await goodClient();
  const alive = (await other.call('getAppInfo')).mode === 'web';
  other.ws.close();
  print({ mode: 'flood', sent: opts.messages, replies, closed, alive });
}

async function clients() {
  const outcomes = await Promise.all(
    Array.from(
      { length: opts.count },
      () =>
        new Promise((resolve) => {
          const ws = new WebSocket(`ws://${opts.host}:${opts.port}/api?token=${encodeURIComponent(opts.token)}`);
          let opened = false;
          let settled = false;
          const settle = (r) => {
            if (settled) return;
            settled = true;
            resolve({ ws, ...r });
          };
          ws.on('open', () => {
            opened = true;
            // A client over the cap is let in and closed at once (1013) without an answer; one that gets an answer was taken.
            ws.send(JSON.stringify({ type: 'call', id: 1, method: 'getAppInfo', args: [] }));
          });
          ws.on('message', (data) => {
            if (JSON.parse(data.toString()).type === 'reply') settle({ result: 'open' });
          });
          ws.on('unexpected-response', (req, res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (c) => (body += c));
            res.on('end', () => {
              settle({ result: `refused ${res.statusCode}`, reason: body.trim() });
              req.destroy();
            });
          });
          ws.on('close', (code, reason) => settle({ result: opened ? 'closed' : 'failed', code, reason: reason.toString() }));
          ws.on('error', (e) => settle({ result: 'error', reason: e.message }));
        }),
    ),
  );
  const tally = {};
  const reasons = {};
  for (const o of outcomes) {
    const key = o.code ? `${o.result} ${o.code}` : o.result;
    tally[key] = (tally[key] ?? 0) + 1;
    if (o.reason) reasons[o.reason] = (reasons[o.reason] ?? 0) + 1;
  }
  // While full, one more client is refused too; once the others leave, it gets in and reads the counts.
  const whileFull = await goodClient().then(
    (c) => (c.ws.close(), 'connected'),
    (e) => e.message,
  );
  const open = outcomes.filter((o) => o.result === 'open');
  for (const o of open) o.ws.close();
  await Promise.all(open.map((o) => new Promise((r) => (o.ws.readyState === WebSocket.CLOSED ? r() : o.ws.once('close', r)))));
  const c = await goodClient();
  const health = await c.call('getHealth');
  c.ws.close();
  print({ mode: 'clients', count: opts.count, tally, reasons, goodClientWhileFull: whileFull, web: health.web, eventLoopDelayMaxMs: health.eventLoopDelayMaxMs });
}

async function slow() {
  // Clients that complete the handshake and then never read another byte.
  const stuck = [];
  await Promise.all(
    Array.from(
      { length: opts.count },
      () =>
        new Promise((resolve) => {
          rawSessionWith((socket) => {
            socket.pause();
            stuck.push(socket);
            resolve();
          }).then((r) => {
            if (r.ended !== 'closed') resolve();
          });
        }),
    ),
  );
  const c = await goodClient();
  const info = await c.call('startStream', { port: opts.streamPort });
  let updates = 0;
  let packets = 0;
  const skippedNotices = [];
  let firstPackets;
  const flowing = new Promise((resolve) => (firstPackets = resolve));
  c.onEvent((m) => {
    if (m.name === 'streamUpdate' && m.payload.id === info.id) {
      updates++;
      packets = m.payload.delta.totals.packets;
      if (packets > 0) firstPackets();
    } else if (m.name === 'streamsSkipped') skippedNotices.push(m.payload);
  });
  print({ event: 'ready', stream: info.id, stuck: stuck.length });
  // Counting starts with the first packets (the sender starts once this helper is ready).
  await flowing;
  updates = 0;
  const perSecond = [];
  const packetsAt = [];
  const bytesAtStart = c.received.bytes;
  const health = [];
  const started = Date.now();
  for (let s = 1; s <= opts.seconds; s++) {
    await sleep(started + s * 1000 - Date.now());
    perSecond.push(updates);
    packetsAt.push(packets);
    updates = 0;
    if (s % 5 === 0) health.push(await c.call('getHealth'));
  }
  const kibPerSecond = Math.round((c.received.bytes - bytesAtStart) / 1024 / opts.seconds);
  await c.call('stopStream', info.id);
  await c.call('removeStream', info.id);
  const stillStuck = stuck.filter((s) => !s.destroyed && s.readyState === 'open').length;
  for (const s of stuck) s.destroy();
  c.ws.close();
  print({ mode: 'slow', clients: opts.count, stillConnected: stillStuck, updatesPerSecond: perSecond, kibPerSecond, packetsSeen: packetsAt, skippedNotices: skippedNotices.length, health });
}

async function request() {
  const answer = await new Promise((resolve, reject) => {
    const socket = net.connect(opts.port, opts.host);
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (c) => {
      text += c;
      // An accepted upgrade stays open: its 101 head is the whole answer.
      if (text.startsWith('HTTP/1.1 101') && text.includes('\r\n\r\n')) socket.destroy();
    });
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
    const headers = [`Host: ${opts.hostHeader ?? `${opts.host}:${opts.port}`}`];
    if (opts.origin) headers.push(`Origin: ${opts.origin}`);
    if (opts.cookie) headers.push(`Cookie: ${opts.cookie}`);
    if (opts.upgrade) headers.push('Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`, 'Sec-WebSocket-Version: 13');
    else headers.push('Connection: close');
    socket.write(`GET ${opts.path} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
  });
  const [head, ...rest] = answer.split('\r\n\r\n');
  const [statusLine, ...lines] = head.split('\r\n');
  const headers = {};
  for (const l of lines) headers[l.slice(0, l.indexOf(':')).toLowerCase()] = l.slice(l.indexOf(':') + 1).trim();
  print({ mode: 'request', status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n').slice(0, 500) });
}

const modes = { storm, frames, oversize, flood, clients, slow, request };
if (!modes[opts.mode]) {
  process.stderr.write(`hostileClients: unknown mode ${opts.mode}\n`);
  process.exit(2);
}
modes[opts.mode]().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`hostileClients ${opts.mode}: ${e.stack ?? e}\n`);
    process.exit(1);
  },
);
