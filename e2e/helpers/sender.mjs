#!/usr/bin/env node
// A UDP sender for the lab: a fixed packet rate and size, with optional silences, so a test knows
// exactly what the inspector should see. Run it in the device namespace:
//   node sender.mjs --to 10.97.0.2 --port 5600 --rate 500 --size 512 --seconds 6 --pause-at 3 --pause-for 1
// Prints one JSON line at the end: {"sent": N, "bytes": B, "pauses": [[startMs, endMs], ...]}.
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';

function parseArgs(argv) {
  const opts = { to: '', port: 0, rate: 500, size: 512, seconds: 5, pauseAt: [], pauseFor: 1, bind: '' };
  for (let i = 0; i < argv.length; i += 2) {
    const [key, value] = [argv[i], argv[i + 1]];
    switch (key) {
      case '--to': opts.to = value; break;
      case '--port': opts.port = Number(value); break;
      case '--rate': opts.rate = Number(value); break;
      case '--size': opts.size = Number(value); break;
      case '--seconds': opts.seconds = Number(value); break;
      case '--pause-at': opts.pauseAt = value.split(',').map(Number); break;
      case '--pause-for': opts.pauseFor = Number(value); break;
      case '--bind': opts.bind = value; break;
      default: throw new Error(`unknown option ${key}`);
    }
  }
  if (!opts.to || !(opts.port > 0)) throw new Error('--to and --port are required');
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const socket = dgram.createSocket(opts.to.includes(':') ? 'udp6' : 'udp4');
if (opts.bind) socket.bind({ address: opts.bind });
const payload = Buffer.alloc(opts.size);
for (let i = 0; i < payload.length; i++) payload[i] = i & 0xff;

const pauses = opts.pauseAt.map((s) => [s * 1000, (s + opts.pauseFor) * 1000]);
const paused = (ms) => pauses.some(([a, b]) => ms >= a && ms < b);
const start = performance.now();
const endMs = opts.seconds * 1000;
let due = 0; // packets owed since the start, paused time excluded
let sent = 0;
let bytes = 0;
let last = 0;

// Ticks every few ms and sends what the rate owes, so timer jitter does not change the rate.
function tick() {
  const now = performance.now() - start;
  if (now >= endMs) return finish();
  if (!paused(now)) {
    due += ((now - last) * opts.rate) / 1000;
    while (sent < Math.floor(due)) {
      const packet = Buffer.from(payload); // send() is asynchronous: each packet gets its own buffer
      packet.writeUInt32BE(sent, 0);
      socket.send(packet, opts.port, opts.to);
      sent++;
      bytes += payload.length;
    }
  }
  last = now;
  setTimeout(tick, 2);
}

function finish() {
  socket.close(() => {
    process.stdout.write(`${JSON.stringify({ sent, bytes, pauses })}\n`);
  });
}

tick();
