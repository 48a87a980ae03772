#!/usr/bin/env node
// What pairing costs the receiver's hot path: ReceptionMonitor.onPacket (decode 'seq', the gap
// detector, the history, the pairing ledger) over Gapscope seq datagrams without the sender's
// account (the ledger's one 32-bit compare) and with it (checksum, bounds, the set of numbers
// received), measured in the same run, in this process, without sockets. The reference is the
// stream without the account; the ratio is what an account costs per datagram.
//
//   node scripts/bench-pairing.mjs [--packets 200000] [--runs 5]
//
// Prints a markdown table on stdout (progress on stderr).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'rolldown';

const REPO = fileURLToPath(new URL('..', import.meta.url));

function parseArgs(argv) {
  const o = { packets: 200_000, runs: 5 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[++i];
    if (v === undefined) throw new Error(`${a} needs a value`);
    if (a === '--packets') o.packets = Number(v);
    else if (a === '--runs') o.runs = Number(v);
    else throw new Error(`unknown argument ${a}`);
  }
  if (!(o.packets > 0) || !(o.runs > 0)) throw new Error('--packets and --runs must be positive');
  return o;
}

const log = (line) => process.stderr.write(`${line}\n`);
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const o = parseArgs(process.argv.slice(2));
  // Bundled as the app bundles its workers (calls across modules inlined), not through a module
  // runner whose cross-module calls go through getters and would dwarf what is measured.
  const dir = mkdtempSync(join(tmpdir(), 'gapscope-bench-pairing-'));
  let mod;
  try {
    const entry = join(dir, 'entry.ts');
    const from = (f) => JSON.stringify(join(REPO, 'shared', f));
    writeFileSync(entry, [`export { ReceptionMonitor } from ${from('reception/receptionMonitor.ts')};`, `export { encodeSeq } from ${from('decoders/sequenceField.ts')};`, `export { writeAccount } from ${from('generator/pairing.ts')};`, `export { PairingLedger } from ${from('reception/pairing.ts')};`].join('\n'));
    await build({ input: entry, output: { file: join(dir, 'bundle.mjs'), format: 'esm' }, logLevel: 'silent' });
    mod = await import(pathToFileURL(join(dir, 'bundle.mjs')).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const { ReceptionMonitor, encodeSeq, writeAccount, PairingLedger } = mod;
  const n = o.packets;
  // 512-byte datagrams 100 µs apart (10,000/s), one in 1,000 lost, as a loaded link would give.
  const plain = [];
  const paired = [];
  for (let i = 0; i < n; i++) {
    const seq = i + Math.floor(i / 1000);
    const a = encodeSeq(seq, 1.7e15 + seq * 100, 512);
    plain.push(a);
    const b = encodeSeq(seq, 1.7e15 + seq * 100, 512);
    writeAccount(b, { run: 0x1234, refused: 0, step: 0, stepFirstSequence: 0, sweep: 'none', stepValue: 0, end: false });
    paired.push(b);
  }
  const measure = (label, stream, make, feed) => {
    const rates = [];
    let check = null;
    for (let run = 0; run <= o.runs; run++) {
      const m = make();
      const t0 = performance.now();
      for (let i = 0; i < n; i++) feed(m, i * 0.1, stream[i]);
      const s = (performance.now() - t0) / 1000;
      if (run === 0) check = m;
      else rates.push(n / s);
    }
    const rate = median(rates);
    log(`${label}: ${fmt(rate)} datagrams/s`);
    return { label, rate, check };
  };
  const monitor = () => new ReceptionMonitor({ binMs: 100, decode: 'seq', keepPackets: 0 });
  const feedMonitor = (m, at, p) => m.onPacket(at, p, 'x');
  const rows = [
    measure('monitor, seq without the account (reference)', plain, monitor, feedMonitor),
    measure('monitor, seq with the account', paired, monitor, feedMonitor),
    measure('PairingLedger alone, with the account', paired, () => new PairingLedger(), (l, at, p) => l.onPacket(at, p)),
    measure('PairingLedger alone, without the account', plain, () => new PairingLedger(), (l, at, p) => l.onPacket(at, p)),
  ];
  // The runs counted what they were given: the paired one found every loss.
  const p = rows[1].check.snapshot(n * 0.1).pairing;
  if (!p || p.lostOnPath !== Math.floor((n - 1) / 1000)) log(`pairing counted ${JSON.stringify(p && { sent: p.sent, lostOnPath: p.lostOnPath })}, expected ${Math.floor((n - 1) / 1000)} lost`);
  const ref = rows[0].rate;
  const lines = [
    `ReceptionMonitor.onPacket over ${fmt(n)} seq datagrams of 512 bytes (1 in 1,000 lost), median of ${o.runs} runs after a warm-up; Node ${process.version}, ${process.arch}.`,
    '',
    '| what | datagrams/s | ns/datagram | against the reference |',
    '|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.label} | ${fmt(r.rate)} | ${(1e9 / r.rate).toFixed(0)} | ${(r.rate / ref).toFixed(2)} |`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((e) => {
  process.stderr.write(`bench-pairing: ${e.message}\n`);
  process.exitCode = 1;
});
