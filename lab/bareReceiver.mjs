#!/usr/bin/env node
// The reference "bare socket": a plain dgram receiver that records every arrival, kept as simple
// as possible and independent from Gapscope's code, so that Gapscope's report can be checked
// against it.
//
//   node lab/bareReceiver.mjs --port P [--address BIND_ADDR] [--ipv6] [--group G [--iface NAME|ADDR]]
//        [--source S] [--gap-ms N] [--duration SECONDS] [--count-only] [--recv-buffer BYTES]
//
// The socket uses reuseAddr, so it can listen beside Gapscope on the same multicast or broadcast
// port (both sockets get a copy of each datagram). Once bound (and joined) it prints
// {"event":"listening",...} on stderr. At the end (--duration elapsed, or SIGTERM/SIGINT) it
// prints one JSON object on stdout:
//   packets, bytes (UDP payload), durationMs, firstMs, lastMs, and
//   gaps: every silence between two consecutive arrivals longer than --gap-ms, as
//     { startMs (last arrival before), endMs (first arrival after), durationMs,
//       packetsBefore, bytesBefore (received since the previous gap or the start) },
//   seq: what the sender's 16-byte header says (first, last, outOfOrder, missing).
// Times are ms (performance.now) since the socket was bound. --count-only keeps no per-packet
// record (no gaps), for throughput benchmarks.
import dgram from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { performance } from 'node:perf_hooks';

function fail(message) {
  process.stderr.write(`bareReceiver: ${message}\n`);
  process.exit(2);
}

const opts = { gapMs: 50, countOnly: false, ipv6: false };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const next = () => {
    if (i + 1 >= argv.length) fail(`${a} needs a value`);
    return argv[++i];
  };
  switch (a) {
    case '--port': opts.port = Number(next()); break;
    case '--address': opts.address = next(); break;
    case '--group': opts.group = next(); break;
    case '--iface': opts.iface = next(); break;
    case '--source': opts.source = next(); break;
    case '--gap-ms': opts.gapMs = Number(next()); break;
    case '--duration': opts.duration = Number(next()); break;
    case '--count-only': opts.countOnly = true; break;
    case '--ipv6': opts.ipv6 = true; break;
    case '--recv-buffer': opts.recvBuffer = Number(next()); break;
    default: fail(`unknown argument ${a}`);
  }
}
if (!(opts.port > 0 && opts.port < 65536)) fail('--port 1-65535 is required');
const v6 = opts.ipv6 || (opts.group ?? opts.address ?? '').includes(':');

// Arrival times and sizes, in growable typed arrays.
let times = new Float64Array(opts.countOnly ? 0 : 1 << 16);
let sizes = new Uint32Array(opts.countOnly ? 0 : 1 << 16);
let packets = 0;
let bytes = 0;
let firstSeq = null;
let lastSeq = null;
let maxSeq = -1;
let outOfOrder = 0;
let t0 = 0;

const socket = dgram.createSocket({ type: v6 ? 'udp6' : 'udp4', reuseAddr: true });
socket.on('message', (msg) => {
  const now = performance.now() - t0;
  if (!opts.countOnly) {
    if (packets === times.length) {
      const t = new Float64Array(times.length * 2);
      t.set(times);
      times = t;
      const s = new Uint32Array(sizes.length * 2);
      s.set(sizes);
      sizes = s;
    }
    times[packets] = now;
    sizes[packets] = msg.length;
  }
  packets++;
  bytes += msg.length;
  if (msg.length >= 8) {
    const seq = msg.readUInt32BE(0) * 2 ** 32 + msg.readUInt32BE(4);
    if (firstSeq === null) firstSeq = seq;
    if (seq < maxSeq) outOfOrder++;
    maxSeq = Math.max(maxSeq, seq);
    lastSeq = seq;
  }
});

function silences() {
  const gaps = [];
  let packetsBefore = 0;
  let bytesBefore = 0;
  for (let i = 0; i < packets; i++) {
    if (i > 0 && times[i] - times[i - 1] > opts.gapMs) {
      gaps.push({
        startMs: round(times[i - 1]),
        endMs: round(times[i]),
        durationMs: round(times[i] - times[i - 1]),
        packetsBefore,
        bytesBefore,
      });
      packetsBefore = 0;
      bytesBefore = 0;
    }
    packetsBefore++;
    bytesBefore += sizes[i];
  }
  return gaps;
}

function round(ms) {
  return Math.round(ms * 1000) / 1000;
}

let done = false;
function finish() {
  if (done) return;
  done = true;
  const durationMs = performance.now() - t0;
  socket.close();
  const report = {
    packets,
    bytes,
    durationMs: round(durationMs),
    firstMs: opts.countOnly || packets === 0 ? null : round(times[0]),
    lastMs: opts.countOnly || packets === 0 ? null : round(times[packets - 1]),
    gapThresholdMs: opts.gapMs,
    gaps: opts.countOnly ? null : silences(),
    seq: {
      first: firstSeq,
      last: lastSeq,
      max: maxSeq < 0 ? null : maxSeq,
      outOfOrder,
      missing: firstSeq === null ? null : maxSeq - firstSeq + 1 - packets,
    },
  };
  process.stdout.write(JSON.stringify(report) + '\n', () => process.exit(0));
}

function ifaceIPv4(ifaceOrAddr) {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(ifaceOrAddr)) return ifaceOrAddr;
  const found = networkInterfaces()[ifaceOrAddr]?.find((a) => a.family === 'IPv4');
  if (!found) fail(`no IPv4 address on interface ${ifaceOrAddr}`);
  return found.address;
}

socket.on('error', (e) => fail(e.message));
socket.bind({ port: opts.port, address: opts.address ?? (v6 ? '::' : '0.0.0.0') }, () => {
  try {
    if (opts.group) {
      const iface = opts.iface === undefined ? undefined : v6 ? `::%${opts.iface}` : ifaceIPv4(opts.iface);
      if (opts.source) socket.addSourceSpecificMembership(opts.source, opts.group, iface);
      else socket.addMembership(opts.group, iface);
    }
  } catch (e) {
    fail(`cannot join ${opts.group}: ${e.message}`);
  }
  if (opts.recvBuffer) socket.setRecvBufferSize(opts.recvBuffer);
  t0 = performance.now();
  process.stderr.write(JSON.stringify({ event: 'listening', port: opts.port, group: opts.group ?? null, recvBuffer: socket.getRecvBufferSize() }) + '\n');
  if (opts.duration) setTimeout(finish, opts.duration * 1000);
});

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, finish);
