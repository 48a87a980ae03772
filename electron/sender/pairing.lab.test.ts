// `gapscope send` paired with `gapscope listen`, both the real CLI, in a lab namespace pair
// (lab/netns.ts): the sender in the device namespace, the listener in the inspector's, nftables
// dropping on the inspector's input (lab/nft.ts). The sender's own count, the listener's and the
// kernel's drop counters must agree exactly:
// - nft drops N datagrams by sequence number: the gap is "sent and lost on the path: N", the pairing's
//   lost on the path is N, and the listener's count of what the sender sent is the sender's own;
// - the sender pauses (its own pattern): every gap is "never sent" and nothing is lost on the path;
// - a sweep of the rate against an nft rate limit: the first step with loss is the first above the
//   limit, and what the listener counts lost plus what it never learnt of equals nft's drops.
//
// Subnet 10.98.82.0/24. Needs root, iproute2, nftables and `npm run build`.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SenderInfo } from '../../shared/contract/sender';
import type { ReportGap } from '../../shared/reception/report';
import type { PairingSummary } from '../../shared/reception/types';
import { GAPSCOPE_BIN, startGapscope, type GapscopeReport } from '../../lab/gapscope';
import { Impairments } from '../../lab/nft';
import { createLabPair, type LabPair } from '../../lab/netns';
import { REPO_DIR, lastJsonLine } from '../../lab/streams';
import { waitUntil } from '../../lab/waitUntil';

const SUBNET = 82;
const PORT = 4000;

type PairedReport = GapscopeReport & { pairing?: PairingSummary; gaps: (ReportGap & { paired?: { lostOnPath: number } })[] };

let lab: LabPair;

beforeAll(async () => {
  if (!existsSync(join(REPO_DIR, 'out', 'main', 'cli.js')) && !existsSync(GAPSCOPE_BIN)) throw new Error('run `npm run build` first');
  lab = await createLabPair({ subnet: SUBNET });
}, 60_000);

afterAll(async () => {
  await lab?.teardown();
});

/**
 * Runs `gapscope send … --json` in the device namespace to its end; its final JSON. Real-time
 * scheduling, like the lab's own sender: a sender held back by a busy machine catches up in a burst,
 * which would shrink the silence a drop leaves below the gap threshold.
 */
async function send(args: string[]): Promise<SenderInfo> {
  const r = await lab.device.exec('chrt', ['--fifo', '5', 'node', GAPSCOPE_BIN, 'send', '--to', `${lab.inspector.ipv4}:${PORT}`, ...args, '--json'], { cwd: REPO_DIR, timeoutMs: 120_000 });
  return lastJsonLine<SenderInfo>('gapscope send', r.stdout, r.stderr);
}

/**
 * Listens while `sendArgs` runs with `imp` installed; stops the listener once every datagram the
 * sender sent has arrived or been dropped (by nft or by a full receive buffer, both counted by the
 * kernel), and returns the three accounts.
 */
async function pairedRun(sendArgs: string[], gapMs: number, setup: (imp: Impairments) => Promise<unknown>): Promise<{ sent: SenderInfo; report: PairedReport; nftDropped: number; bufferDrops: number }> {
  const imp = await Impairments.install(lab.inspector, { port: PORT });
  try {
    await setup(imp);
    const before = await lab.inspector.udpCounters();
    const listener = await startGapscope(lab.inspector, { args: ['--port', String(PORT), '--decode', 'seq'], durationS: 300, gapMs, scheduling: 'realtime' });
    const sent = await send(sendArgs);
    const arrivedOrDropped = async () => {
      const c = await lab.inspector.udpCounters();
      return c.inDatagrams - before.inDatagrams + (c.rcvbufErrors - before.rcvbufErrors) + (await imp.counts()).dropped;
    };
    await waitUntil(async () => (await arrivedOrDropped()) >= sent.sent, `${sent.sent} datagrams arrived at the inspector or dropped by nft`, 60_000);
    const report = (await listener.stop()) as PairedReport;
    const after = await lab.inspector.udpCounters();
    return { sent, report, nftDropped: (await imp.counts()).dropped, bufferDrops: after.rcvbufErrors - before.rcvbufErrors };
  } finally {
    await imp.remove();
  }
}

describe('send and listen, paired through the payload', () => {
  it('says "sent and lost on the path: N" for N datagrams nft dropped, with the sender’s own count', async () => {
    // 500 numbers at 1,000/s: a 500 ms hole, well above the 100 ms threshold even if the sender is late just before it.
    const { sent, report, nftDropped, bufferDrops } = await pairedRun(['--rate', '1000', '--duration', '3', '--size', '200'], 100, (imp) => imp.dropSequences(1000, 500));
    expect(sent).toMatchObject({ status: 'done', sent: 3000, paired: true, sendErrors: 0 });
    expect(nftDropped).toBe(500);
    const p = report.pairing!;
    // The listener's count of what the sender sent is the sender's own; what did not arrive is exactly what the kernel dropped.
    expect(p).toMatchObject({ run: sent.run, runs: 1, ended: true, sent: 3000, refused: 0, refusedAccounts: 0, implausibleJumps: 0 });
    expect(p.received).toBe(report.packets);
    expect(p.lostOnPath).toBe(nftDropped + bufferDrops);
    expect(report.packets + nftDropped + bufferDrops).toBe(3000);
    // The hole nft made is one gap, and it says so with the number.
    const lost = report.gaps.filter((g) => g.cause === 'packets-lost');
    expect(lost.map((g) => g.causeText)).toEqual(bufferDrops ? expect.any(Array) : ['sent and lost on the path: 500']);
    expect(lost.reduce((n, g) => n + (g.paired?.lostOnPath ?? 0), 0)).toBe(500 + bufferDrops);
    expect(p.text).toMatch(/sent and lost on the path: /);
  }, 180_000);

  it('says "never sent" for the sender’s own pauses, and nothing lost on the path', async () => {
    // 400 ms on, 300 ms off for 2.5 s: pauses at 0.4, 1.1 and 1.8 s.
    const { sent, report, nftDropped, bufferDrops } = await pairedRun(['--rate', '1000', '--duration', '2.5', '--size', '200', '--pattern', 'pause:400/300'], 150, async () => undefined);
    expect(sent).toMatchObject({ status: 'done', paired: true, sendErrors: 0 });
    expect(nftDropped).toBe(0);
    const p = report.pairing!;
    expect(p).toMatchObject({ ended: true, sent: sent.sent, lostOnPath: bufferDrops });
    const pauses = report.gaps.filter((g) => g.durationMs >= 250);
    expect(pauses.length).toBeGreaterThanOrEqual(3);
    if (!bufferDrops) {
      expect(report.gaps.map((g) => [g.cause, g.causeText])).toEqual(report.gaps.map(() => ['sender-paused', 'never sent']));
      expect(report.packets).toBe(sent.sent);
    }
  }, 180_000);

  it('finds the sweep step at which an nft rate limit starts dropping', async () => {
    // 500, 2,500 and 4,500 datagrams/s for 1.5 s each, against a limit of 1,500/s (300 deep).
    const { sent, report, nftDropped, bufferDrops } = await pairedRun(['--sweep', 'rate:500-4500/3', '--step-sec', '1.5', '--size', '200'], 1000, (imp) => imp.rateLimit(1500, 300));
    expect(sent.sweep?.steps.map((s) => s.value)).toEqual([500, 2500, 4500]);
    expect(nftDropped).toBeGreaterThan(0);
    const p = report.pairing!;
    expect(p.steps.map((s) => [s.step, s.value, s.firstSequence])).toEqual(sent.sweep!.steps.map((s) => [s.step, s.value, s.firstSequence]));
    // Below the limit nothing is lost; the first step above it loses.
    expect(p.steps[0]!.lostOnPath).toBe(0);
    expect(p.firstLossStep).toBe(1);
    // Every step but the last is known in full: the sender's count is the listener's.
    expect(p.steps.slice(0, -1).map((s) => s.sent)).toEqual(sent.sweep!.steps.slice(0, -1).map((s) => s.sent));
    // What the listener counts lost, plus the tail it could not know of (its end mark may be dropped too), is what the kernel dropped.
    const unknownTail = sent.sent - (p.sent + p.refused);
    expect(p.lostOnPath + unknownTail).toBe(nftDropped + bufferDrops);
    expect(p.text).toMatch(/Loss began at step 2 \(2,500 packets\/s\)/);
  }, 180_000);
});
