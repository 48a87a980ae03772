// `gapscope listen --fail-on` and `--json-stream` through the real CLI, in a lab namespace pair
// (lab/netns.ts), against a lab stream whose gaps and loss the lab itself makes (lab/nft.ts).
//
// Subnet 10.98.83.0/24. Needs root, iproute2, nftables and `npm run build`.
//
// One sender (lab/sender.mjs, 500 datagrams/s of 512 bytes) sends every datagram to several
// ports, one `gapscope listen` per port, each with one condition; nftables judges the first port
// and gives every copy the same fate, so all of them see exactly the same datagrams. Two runs:
// - clean: nothing dropped; every condition is unmet and every listen exits 0;
// - impaired: half the datagrams dropped at random and a 1.5 s cut-out; every condition is met,
//   and every listen exits 3 and names its condition on stderr and in its JSON verdict.
// A further listen in each run has every condition at once and --json-stream: each of its lines
// validates against the published docs/schema/listen-stream.schema.json (ajv), and in the
// impaired run the cut's gap-started and gap-ended lines are written within 1 s of the cut's own
// start and end (the lab's nft commands), and reach the test before the run ends.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GAPSCOPE_BIN } from '../../lab/gapscope';
import { Impairments, type CutOutTiming } from '../../lab/nft';
import { createLabPair, type ExecResult, type LabPair, type LabProcess } from '../../lab/netns';
import { REPO_DIR, startSender } from '../../lab/streams';

const SUBNET = 83;
const PORT = 48_300;
const PPS = 500;
const GAP_MS = 300;
const CUT_MS = 1500;

/** Each condition, chosen so that the clean run leaves it unmet and the impaired run meets it. */
const CONDITIONS = ['gap>1s', 'gaps>0', 'loss>5%', 'packets<1500', 'duty<90%', 'rate<200KiB/s', 'rate<400pps', 'no-data>1s'];

interface Listen {
  condition: string;
  proc: LabProcess;
  dataDir: string;
}

interface Ended extends ExecResult {
  condition: string;
  /** When the test read each stdout line (Date.now()). */
  seenAt: Map<string, number>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const schema = JSON.parse(readFileSync(join(REPO_DIR, 'docs', 'schema', 'listen-stream.schema.json'), 'utf8')) as object;
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

describe('listen --fail-on and --json-stream on a lab stream', () => {
  let pair: LabPair;
  const dataDirs: string[] = [];

  beforeAll(async () => {
    pair = await createLabPair({ subnet: SUBNET });
  }, 60_000);

  afterAll(async () => {
    await pair?.teardown();
    for (const d of dataDirs) rmSync(d, { recursive: true, force: true });
  });

  /** One `gapscope listen` per condition (and one with all of them and --json-stream), each on its own port; resolves once all are bound. */
  async function startListens(): Promise<Listen[]> {
    const all = [...CONDITIONS, CONDITIONS.join(',')];
    const listens = all.map((condition, i): Listen => {
      const dataDir = mkdtempSync(join(tmpdir(), 'gs-verdict-'));
      dataDirs.push(dataDir);
      const stream = i === CONDITIONS.length ? ['--json-stream'] : ['--json'];
      const args = [GAPSCOPE_BIN, '--data-dir', dataDir, 'listen', '--port', String(PORT + i), '--address', pair.inspector.ipv4, '--gap-ms', String(GAP_MS), ...stream, '--fail-on', condition];
      return { condition, proc: pair.inspector.spawn('node', args, { cwd: REPO_DIR }), dataDir };
    });
    await Promise.all(listens.map((l, i) => pair.inspector.waitForUdpSocket(l.proc.pid, PORT + i, 30_000)));
    // Real-time once listening, not while starting: nine Node start-ups at a priority above the
    // sender's (lab/streams.ts) starved it for more than the gap threshold, a gap no impairment made.
    await Promise.all(listens.map((l) => pair.inspector.exec('chrt', ['--fifo', '-a', '-p', '10', String(l.proc.pid)])));
    return listens;
  }

  /** Ends every listen as Ctrl+C does and collects how each ended. */
  async function stopListens(listens: Listen[], seen: Map<string, number>): Promise<Ended[]> {
    for (const l of listens) l.proc.kill('SIGINT');
    return Promise.all(listens.map(async (l, i) => ({ ...(await l.proc.exited), condition: l.condition, seenAt: i === listens.length - 1 ? seen : new Map() })));
  }

  /** Records when each stdout line of the streaming listen reached the test. */
  function watchLines(proc: LabProcess): Map<string, number> {
    const seen = new Map<string, number>();
    let rest = '';
    proc.child.stdout?.on('data', (chunk: Buffer) => {
      const now = Date.now();
      const parts = (rest + chunk.toString('utf8')).split('\n');
      rest = parts.pop() ?? '';
      for (const p of parts) if (p.trim()) seen.set(p, now);
    });
    return seen;
  }

  /** Starts the sender to every port (the first one judged by nftables, the others its twins). */
  function sender(): { stop: () => void } {
    const to = `${pair.inspector.ipv4}:${PORT}`;
    const also = Array.from({ length: CONDITIONS.length }, (_, i) => `${pair.inspector.ipv4}:${PORT + i + 1}`);
    const s = startSender(pair.device, { to, also, pps: PPS, size: 512, durationS: 120, scheduling: 'realtime' });
    s.done.catch(() => undefined);
    return { stop: () => s.proc.kill('SIGTERM') };
  }

  function jsonLines(r: ExecResult): Record<string, unknown>[] {
    return r.stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  function expectValidStream(r: ExecResult): Record<string, unknown>[] {
    const lines = jsonLines(r);
    for (const l of lines) expect(validate(l), `${JSON.stringify(l).slice(0, 300)}: ${JSON.stringify(validate.errors)}`).toBe(true);
    expect(lines[0]?.type).toBe('started');
    expect(lines.at(-1)?.type).toBe('report');
    expect(lines.filter((l) => l.type === 'tick').length).toBeGreaterThanOrEqual(2);
    return lines;
  }

  it('a clean stream meets no condition: every listen exits 0', async () => {
    const imp = await Impairments.install(pair.inspector, { port: PORT, mirrorPorts: Array.from({ length: CONDITIONS.length }, (_, i) => PORT + i + 1) });
    // The sender runs before the listens start, so no listen waits for its first datagram.
    const s = sender();
    try {
      const listens = await startListens();
      const seen = watchLines(listens.at(-1)!.proc);
      await sleep(4000);
      const ended = await stopListens(listens, seen);
      for (const r of ended) {
        expect({ condition: r.condition, code: r.code, stderr: r.stderr.trim() }).toEqual({ condition: r.condition, code: 0, stderr: '' });
      }
      for (const r of ended.slice(0, -1)) {
        const report = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { verdict: { ok: boolean; failed: string[] } };
        expect(report.verdict).toMatchObject({ ok: true, failed: [] });
      }
      const lines = expectValidStream(ended.at(-1)!);
      expect(lines.filter((l) => l.type === 'gap-started' || l.type === 'gap-ended' || l.type === 'alert')).toEqual([]);
      expect((lines.at(-1)!.report as { verdict: { ok: boolean } }).verdict.ok).toBe(true);
      expect((await imp.counts()).dropped).toBe(0);
    } finally {
      s.stop();
      await imp.remove();
    }
  }, 120_000);

  it('an impaired stream meets every condition: every listen exits 3 and names it; the gap lines come within 1 s of the cut', async () => {
    const imp = await Impairments.install(pair.inspector, { port: PORT, mirrorPorts: Array.from({ length: CONDITIONS.length }, (_, i) => PORT + i + 1) });
    await imp.randomLoss(50);
    const s = sender();
    try {
      const listens = await startListens();
      const seen = watchLines(listens.at(-1)!.proc);
      await sleep(1000);
      const cut: CutOutTiming = await imp.cutOut(CUT_MS);
      await sleep(1500);
      const stoppedAt = Date.now();
      const ended = await stopListens(listens, seen);

      for (const r of ended.slice(0, -1)) {
        expect({ condition: r.condition, code: r.code }).toEqual({ condition: r.condition, code: 3 });
        // One line on stderr, naming the condition.
        expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^gapscope: ${r.condition.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} failed: `))]);
        const report = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { verdict: { ok: boolean; failed: string[] } };
        expect(report.verdict).toMatchObject({ ok: false, failed: [r.condition] });
      }

      const all = ended.at(-1)!;
      expect(all.code).toBe(3);
      expect(all.stderr.trim().split('\n').map((l) => /^gapscope: (\S+) failed: /.exec(l)?.[1])).toEqual(CONDITIONS);
      const lines = expectValidStream(all);
      expect((lines.at(-1)!.report as { verdict: { failed: string[] } }).verdict.failed).toEqual(CONDITIONS);

      // The cut is the one gap: its lines, on the sender's side of the clock, within 1 s of the cut's start and end.
      const started = lines.filter((l) => l.type === 'gap-started');
      const endedGaps = lines.filter((l) => l.type === 'gap-ended');
      expect(started).toHaveLength(1);
      expect(endedGaps).toHaveLength(1);
      const gapStart = started[0]!;
      const gapEnd = endedGaps[0]!;
      expect(gapEnd.startMs).toBe(gapStart.startMs);
      expect(gapEnd.durationMs as number).toBeGreaterThan(CUT_MS - 50);
      expect(gapStart.at as number).toBeGreaterThanOrEqual(cut.startedAt);
      expect((gapStart.at as number) - cut.startedAt).toBeLessThanOrEqual(1000);
      expect(gapEnd.at as number).toBeGreaterThanOrEqual(cut.endedAt);
      expect((gapEnd.at as number) - cut.endedAt).toBeLessThanOrEqual(1000);
      // Streamed, not held for the end: both reached the test before it stopped the run.
      const rawLine = (l: Record<string, unknown>): string => all.stdout.split('\n').find((x) => x.trim() && JSON.stringify(JSON.parse(x)) === JSON.stringify(l))!;
      expect(all.seenAt.get(rawLine(gapStart))).toBeLessThan(stoppedAt);
      expect(all.seenAt.get(rawLine(gapEnd))).toBeLessThan(stoppedAt);
      // The live alerts: the cut raised gap>1s and no-data>1s while it lasted.
      const raised = lines.filter((l) => l.type === 'alert' && l.state === 'raised').map((l) => l.condition);
      expect(raised).toEqual(expect.arrayContaining(['gap>1s', 'no-data>1s']));
      const report = lines.at(-1)!.report as { gaps: { startMs: number; endMs: number }[] };
      expect(report.gaps.map((g) => [g.startMs, g.endMs])).toEqual([[gapEnd.startMs, gapEnd.endMs]]);
    } finally {
      s.stop();
      await imp.remove();
    }
  }, 120_000);

  it('refuses a bad condition before anything starts, with exit 2 and a sentence', async () => {
    const r = await pair.inspector.exec('node', [GAPSCOPE_BIN, 'listen', '--port', String(PORT), '--fail-on', 'gap>500'], { cwd: REPO_DIR, allowFailure: true });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 2, stderr: 'gapscope: --fail-on: "gap>500" needs a unit: ms, s or min (e.g. gap>500ms).\n' });
  }, 30_000);
});
