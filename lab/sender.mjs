#!/usr/bin/env node
// The lab's device: a fixed-rate UDP sender (plain Node, no dependencies).
//
//   node lab/sender.mjs --to ADDR:PORT [--also ADDR:PORT]... [--pps N] [--size BYTES]
//        [--duration SECONDS] [--iface NAME|ADDR] [--ttl N] [--bind ADDR] [--broadcast]
//
// Every payload starts with a 16-byte header: the datagram's sequence number (uint64, big-endian,
// from 0) and its send time (uint64, big-endian, microseconds since the Unix epoch). The rest is
// zero. With --also (repeatable), each datagram (same bytes, same sequence number) goes to every
// destination, first --to then each --also in order. --pps 0 sends as fast as the socket accepts. Prints one JSON summary on
// stdout at the end: sent (datagrams per destination), bytes (payload bytes per destination),
// durationMs, achievedPps, errors, maxLagMs (how far the timer loop fell behind at worst).
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import { networkInterfaces } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setImmediate } from 'node:timers';

const HEADER_BYTES = 16;
const TICK_MS = 1;
const MAX_IN_FLIGHT = 2048;
const POOL = 4096;

function fail(message) {
  process.stderr.write(`sender: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { pps: 1000, size: 512, duration: 5, ttl: 1, broadcast: false, also: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) fail(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case '--to': opts.to = next(); break;
      case '--also': opts.also.push(next()); break;
      case '--pps': opts.pps = Number(next()); break;
      case '--size': opts.size = Number(next()); break;
      case '--duration': opts.duration = Number(next()); break;
      case '--iface': opts.iface = next(); break;
      case '--ttl': opts.ttl = Number(next()); break;
      case '--bind': opts.bind = next(); break;
      case '--broadcast': opts.broadcast = true; break;
      default: fail(`unknown argument ${a}`);
    }
  }
  if (!opts.to) fail('--to ADDR:PORT is required');
  if (!(opts.pps >= 0)) fail('--pps must be >= 0');
  if (!Number.isInteger(opts.size) || opts.size < HEADER_BYTES || opts.size > 65507) fail(`--size must be ${HEADER_BYTES}-65507`);
  if (!(opts.duration > 0)) fail('--duration must be > 0');
  return opts;
}

/** "1.2.3.4:5", "[ff15::1]:5" or "ff15::1:5" (last colon) into { address, port }. */
function parseDestination(text) {
  const m = /^\[(.+)\]:(\d+)$/.exec(text) ?? /^(.+):(\d+)$/.exec(text);
  if (!m) fail(`bad destination ${text}`);
  const port = Number(m[2]);
  if (!(port > 0 && port < 65536)) fail(`bad port in ${text}`);
  return { address: m[1], port };
}

function isMulticast(address) {
  if (isIPv6(address)) return /^ff/i.test(address);
  const first = Number(address.split('.')[0]);
  return first >= 224 && first <= 239;
}

const opts = parseArgs(process.argv.slice(2));
const destinations = [parseDestination(opts.to), ...opts.also.map(parseDestination)];
const v6 = isIPv6(destinations[0].address);
const socket = dgram.createSocket({ type: v6 ? 'udp6' : 'udp4' });

const pool = Array.from({ length: POOL }, () => Buffer.alloc(opts.size));
let sent = 0;
let errors = 0;
let inFlight = 0;
let maxLagMs = 0;
let t0 = 0;
let finished = false;

function fill(buf, seq) {
  const us = Math.round((performance.timeOrigin + performance.now()) * 1000);
  buf.writeUInt32BE(Math.floor(seq / 2 ** 32), 0);
  buf.writeUInt32BE(seq >>> 0, 4);
  buf.writeUInt32BE(Math.floor(us / 2 ** 32), 8);
  buf.writeUInt32BE(us % 2 ** 32, 12);
}

function onSent(err) {
  inFlight--;
  if (err) errors++;
}

function sendOne() {
  const buf = pool[sent % POOL];
  fill(buf, sent);
  for (const d of destinations) {
    inFlight++;
    socket.send(buf, d.port, d.address, onSent);
  }
  sent++;
}

let loopTimer = null;

function finish() {
  if (finished) return;
  finished = true;
  // Stopped by a signal too: the send loop ends before the socket closes.
  if (loopTimer) clearInterval(loopTimer);
  const durationMs = performance.now() - t0;
  const close = () => {
    socket.close();
    process.stdout.write(
      JSON.stringify({
        sent,
        bytes: sent * opts.size,
        destinations: destinations.length,
        durationMs: Math.round(durationMs * 1000) / 1000,
        requestedPps: opts.pps,
        achievedPps: Math.round((sent / durationMs) * 1000),
        errors,
        maxLagMs: Math.round(maxLagMs * 1000) / 1000,
      }) + '\n',
    );
  };
  // Let queued datagrams leave before closing.
  const waitDrain = () => (inFlight > 0 ? setTimeout(waitDrain, 5) : close());
  waitDrain();
}

function rateLoop() {
  const endMs = opts.duration * 1000;
  const timer = (loopTimer = setInterval(() => {
    const elapsed = performance.now() - t0;
    const due = Math.floor((Math.min(elapsed, endMs) * opts.pps) / 1000);
    const behind = due - sent;
    if (behind > 1) maxLagMs = Math.max(maxLagMs, (behind * 1000) / opts.pps);
    while (sent < due && inFlight < MAX_IN_FLIGHT * destinations.length) sendOne();
    if (elapsed >= endMs && sent >= due) {
      clearInterval(timer);
      finish();
    }
  }, TICK_MS));
}

function floodLoop() {
  const endMs = opts.duration * 1000;
  const step = () => {
    if (finished) return;
    if (performance.now() - t0 >= endMs) return finish();
    let burst = 64;
    while (burst-- > 0 && inFlight < MAX_IN_FLIGHT * destinations.length) sendOne();
    setImmediate(step);
  };
  step();
}

function resolveIPv4(ifaceOrAddr) {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(ifaceOrAddr)) return ifaceOrAddr;
  const found = networkInterfaces()[ifaceOrAddr]?.find((a) => a.family === 'IPv4');
  if (!found) fail(`no IPv4 address on interface ${ifaceOrAddr}`);
  return found.address;
}

socket.on('error', (e) => fail(e.message));
socket.bind({ address: opts.bind ?? (v6 ? '::' : '0.0.0.0'), port: 0 }, () => {
  if (opts.broadcast || (!v6 && destinations.some((d) => d.address.endsWith('.255')))) socket.setBroadcast(true);
  if (destinations.some((d) => isMulticast(d.address))) {
    socket.setMulticastTTL(opts.ttl);
    socket.setMulticastLoopback(false);
    if (opts.iface) socket.setMulticastInterface(v6 ? `::%${opts.iface}` : resolveIPv4(opts.iface));
  }
  t0 = performance.now();
  process.stdout.write('{"event":"sending"}\n');
  if (opts.pps === 0) floodLoop();
  else rateLoop();
});

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, finish);
