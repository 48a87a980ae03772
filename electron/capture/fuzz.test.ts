// Malformed and truncated captures: every fixture, mutated and cut at seeded random places, read
// chunk by chunk through the whole offline analysis. Each run must end (no hang), either with a
// report or with a CaptureFormatError / GapscopeError sentence — never another exception — and a
// lying length field must never make the reader hold more than the file. Failures print the seed.
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { OfflineAnalysis } from '../../shared/capture/offlineAnalysis';
import { GapscopeError } from '../../shared/errors';
import { concat, prng } from '../../shared/pcapng/testing/readTestFiles';
import { analyzeCapture } from './analyzeCapture';

const DIR = join(__dirname, 'fixtures');
/** Each fixture with the port of one of its flows, so that the report path runs too. */
const FILES: [string, number][] = [['eth.pcapng', 5000], ['eth.pcap', 5001], ['sll.pcap', 5000], ['sll2.pcapng', 5001], ['vlan.pcapng', 5006], ['frag.pcapng', 5010], ['raw.pcap', 5020], ['null.pcap', 5021], ['loop.pcap', 5020]];
const SEED = 0x72ca9;
const RUNS_PER_FILE = 150;

type Rng = () => number;

function mutate(src: Uint8Array, r: Rng): Uint8Array {
  let b: Uint8Array = src.slice();
  const kind = Math.floor(r() * 5);
  if (kind === 0) {
    // Flip a few random bytes.
    for (let i = 0, n = 1 + Math.floor(r() * 12); i < n; i++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
  } else if (kind === 1) {
    // Cut the file anywhere.
    b = b.subarray(0, Math.floor(r() * b.length));
  } else if (kind === 2) {
    // A lying 32-bit length (or any field) somewhere aligned: huge, zero or off by a little.
    const at = Math.floor((r() * b.length) / 4) * 4;
    const v = [0xffffffff, 0, 0x7fffffff, 0x03ffffff, 13, 0x10000][Math.floor(r() * 6)]!;
    if (at + 4 <= b.length) new DataView(b.buffer, b.byteOffset).setUint32(at, v, r() < 0.5);
  } else if (kind === 3) {
    // Damage inside the packets (headers of IP, UDP, VLAN, fragments), past the file header.
    for (let i = 0, n = 1 + Math.floor(r() * 40); i < n; i++) {
      const at = 64 + Math.floor(r() * (b.length - 64));
      if (at < b.length) b[at] = b[at]! ^ (1 << Math.floor(r() * 8));
    }
  } else {
    // Duplicate or drop a stretch (misaligned blocks).
    const at = Math.floor(r() * b.length);
    const len = Math.floor(r() * 300);
    b = r() < 0.5 ? concat(b.subarray(0, at), b.subarray(at, at + len), b.subarray(at)) : concat(b.subarray(0, at), b.subarray(at + len));
  }
  return b;
}


function analyzeBytes(bytes: Uint8Array, port: number, r: Rng): 'report' | 'error' {
  const a = new OfflineAnalysis({ port, gapMs: r() < 0.5 ? 50 : undefined, decode: 'auto' });
  try {
    const reader = a.reader();
    for (let i = 0; i < bytes.length; ) {
      const n = 1 + Math.floor(r() * 5000);
      reader.push(bytes.subarray(i, i + n));
      i += n;
    }
    a.finish();
    const report = a.report('fuzz');
    expect(report.packets).toBeGreaterThan(0);
    return 'report';
  } catch (e) {
    if (!(e instanceof GapscopeError)) throw e;
    expect(e.message.length).toBeGreaterThan(10);
    expect(e.message).not.toMatch(/\n/);
    // The reader turns any exception of its callbacks into "Could not read the capture: …" so that a
    // user never sees a stack; in the fuzz test that sentence means a bug was hidden.
    expect(e.message).not.toMatch(/^Could not read the capture/);
    return 'error';
  }
}

describe('fuzzed captures', () => {
  for (const [k, [file, port]] of FILES.entries()) {
    it(`${file}: ${RUNS_PER_FILE} mutations end with a report or a clear error`, () => {
      const src = new Uint8Array(readFileSync(join(DIR, file)));
      const outcomes = { report: 0, error: 0 };
      for (let i = 0; i < RUNS_PER_FILE; i++) {
        const seed = SEED + k * 1000 + i;
        const r = prng(seed);
        const bytes = mutate(src, r);
        const started = Date.now();
        try {
          outcomes[analyzeBytes(bytes, port, r)] += 1;
        } catch (e) {
          throw new Error(`seed ${seed} (${file}): ${e instanceof Error ? e.stack : String(e)}`, { cause: e });
        }
        expect(Date.now() - started, `seed ${seed}`).toBeLessThan(5000);
      }
      // Both outcomes must occur, or the mutations are not reaching the parser.
      expect(outcomes.report).toBeGreaterThan(0);
      expect(outcomes.error).toBeGreaterThan(0);
    });
  }

  it('a block length of almost 64 MiB in a small file buffers only the file, then warns that it was cut short', () => {
    const src = new Uint8Array(readFileSync(join(DIR, 'eth.pcapng')));
    const b = src.slice();
    // The first block after the SHB is the IDB: give it a length just under the cap.
    const shbLen = new DataView(b.buffer).getUint32(4, true);
    new DataView(b.buffer).setUint32(shbLen + 4, 64 * 1024 * 1024 - 4, true);
    const before = process.memoryUsage().arrayBuffers;
    const a = new OfflineAnalysis({});
    a.reader().push(b);
    a.finish();
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
    expect(a.summary().warnings.map((w) => w.kind)).toEqual(['truncated-end']);
    expect(a.summary().frames).toBe(0);
  });
});

describe('damaged files on disk', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gscap-fuzz-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('a damaged gzip stream is one clear error', async () => {
    const gz = gzipSync(readFileSync(join(DIR, 'eth.pcapng')));
    for (let i = 40; i < gz.length - 8; i += 97) gz[i] = gz[i]! ^ 0x55;
    const path = join(tmp, 'damaged.pcapng.gz');
    writeFileSync(path, gz);
    await expect(analyzeCapture(path)).rejects.toThrow(/gzip data is damaged|not a pcap or pcapng capture|Block of type|offset/);
    await expect(analyzeCapture(path)).rejects.toBeInstanceOf(GapscopeError);
  });

  it('a missing file, a folder and a text file are one clear error each', async () => {
    await expect(analyzeCapture(join(tmp, 'nope.pcap'))).rejects.toThrow(/^No such file: .*nope\.pcap\.$/);
    await expect(analyzeCapture(tmp)).rejects.toThrow(/is a folder, not a capture file/);
    const text = join(tmp, 'notes.txt');
    writeFileSync(text, 'these are notes, not packets\n');
    // A file that is not a capture is not quoted back (the page may name any path): no bytes, no text of it.
    await expect(analyzeCapture(text)).rejects.toThrow(/notes\.txt is not a pcap or pcapng capture: Gapscope reads Wireshark's \.pcapng and tcpdump's \.pcap/);
    await expect(analyzeCapture(text)).rejects.not.toThrow(/74 68|these|notes, not/);
  });
});
