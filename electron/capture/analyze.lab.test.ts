// Issue #4's acceptance for import: in a lab namespace pair, a stream with two nftables cut-outs is
// received live by `gapscope listen --json` (the built CLI, bin/gapscope.js) while tshark captures
// it in the same namespace; `gapscope analyze` (the built CLI too) of that capture must agree with the live report:
// the same packets, the same gaps, gap starts within a few ms. Subnet 72. Needs root, iproute2,
// nftables, tshark and a build (`flock /tmp/gapscope-build.lock npx electron-vite build`).
//
// The cut-outs drop at the *sender's* output hook: a capture taps the receiver's interface before
// its input hook, so a drop there (lab/nft.ts's Impairments) would be in the capture but not at
// the socket, and the two could not agree by design.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGapscopeCli, startGapscope } from '../../lab/gapscope';
import { createLabPair, type LabHost, type LabPair, type LabProcess } from '../../lab/netns';
import { lastJsonLine, startSender } from '../../lab/streams';
import type { CaptureReport } from './analyzeCapture';

const SUBNET = 72;
const PORT = 5072;
const GAP_MS = 100;
/** How far apart a gap's start may be between the live socket and the kernel's capture timestamps. */
const START_TOLERANCE_MS = 5;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Runs the built `gapscope analyze … --json` in the namespace and parses its report. */
async function analyzeCli(host: LabHost, args: string[]): Promise<CaptureReport> {
  const r = await runGapscopeCli(host, ['analyze', ...args, '--json'], 60_000);
  if (r.code !== 0) throw new Error(`gapscope analyze exited ${r.code ?? r.signal}: ${r.stderr.trim().slice(-1000)}`);
  return lastJsonLine<CaptureReport>('gapscope analyze', r.stdout, r.stderr);
}

describe('analyze of a tshark capture agrees with the live report of the same run', () => {
  let pair: LabPair;
  const dir = mkdtempSync(join(tmpdir(), 'gscap72-lab-'));

  beforeAll(async () => {
    pair = await createLabPair({ subnet: SUBNET });
  });

  afterAll(async () => {
    await pair?.teardown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('same packets, same gaps, gap starts within a few ms', async () => {
    const { device, inspector } = pair;
    const file = join(dir, 'inspector.pcapng');
    await device.exec('nft', ['add table inet gscap72; add chain inet gscap72 out { type filter hook output priority 0; policy accept; }']);
    const nft: LabProcess = device.spawn('nft', ['-i'], { stdin: true });
    const tshark = inspector.spawn('tshark', ['-i', inspector.iface, '-f', `udp port ${PORT}`, '-w', file]);
    await tshark.waitForLine(/Capturing on/, 20_000);
    const live = await startGapscope(inspector, { args: ['--port', String(PORT)], durationS: 9, gapMs: GAP_MS, scheduling: 'realtime' });
    const sender = startSender(device, { to: `${inspector.ipv4}:${PORT}`, pps: 500, size: 200, durationS: 5 });
    // Two cut-outs well inside the stream (node takes a moment to start on a loaded machine).
    await sleep(1800);
    nft.write(`add rule inet gscap72 out udp dport ${PORT} drop\n`);
    await sleep(300);
    nft.write('flush chain inet gscap72 out\n');
    await sleep(900);
    nft.write(`add rule inet gscap72 out udp dport ${PORT} drop\n`);
    await sleep(500);
    nft.write('flush chain inet gscap72 out\n');
    const sent = await sender.done;
    const liveReport = await live.report();
    await sleep(300);
    tshark.kill('SIGINT');
    await tshark.exited;
    nft.endInput();
    await device.exec('nft', ['delete table inet gscap72'], { allowFailure: true });

    const analyzed = await analyzeCli(inspector, [file, '--port', String(PORT), '--gap-ms', String(GAP_MS)]);
    const detail = JSON.stringify({
      sent: sent.sent,
      live: { packets: liveReport.packets, first: liveReport.firstPacketMs, gaps: liveReport.gaps.map((g) => [g.startMs, g.durationMs]) },
      analyzed: { packets: analyzed.packets, first: analyzed.firstPacketMs, gaps: analyzed.gaps.map((g) => [g.startMs, g.durationMs]), warnings: analyzed.capture.warnings },
    });
    // One line for the record of what was measured.
    console.log(`analyze vs listen: ${detail}`);
    expect(sent.sent, detail).toBeGreaterThan(liveReport.packets);
    expect(analyzed.packets, detail).toBe(liveReport.packets);
    expect(analyzed.bytes, detail).toBe(liveReport.bytes);
    // The two cut-outs; a loaded machine may add short sender stalls, which both must see too.
    expect(liveReport.gaps.filter((g) => g.durationMs >= 250).length, detail).toBe(2);
    // Each on its own time axis (listen: since the socket was bound; analyze: since the first frame),
    // so gap starts are measured from each report's first packet. A stall whose length is within
    // the timestamp tolerance of the threshold may count as a gap on one side only; every gap
    // clearly longer than the threshold must be on both sides, at the same place.
    const rel = (r: { gaps: { startMs: number; durationMs: number; packetsBefore: number }[]; firstPacketMs?: number | null }) =>
      r.gaps.map((g) => ({ start: g.startMs - r.firstPacketMs!, duration: g.durationMs }));
    const liveGaps = rel(liveReport);
    const fileGaps = rel(analyzed);
    const clear = (g: { duration: number }): boolean => g.duration >= GAP_MS + START_TOLERANCE_MS;
    for (const [from, to] of [[liveGaps, fileGaps], [fileGaps, liveGaps]] as const) {
      for (const g of from.filter(clear)) {
        const twin = to.find((t) => Math.abs(t.start - g.start) < START_TOLERANCE_MS);
        expect(twin, `no twin for the gap at ${g.start.toFixed(3)} ms; ${detail}`).toBeDefined();
        expect(Math.abs(twin!.duration - g.duration), detail).toBeLessThan(START_TOLERANCE_MS);
      }
    }
    const borderline = [...liveGaps, ...fileGaps].filter((g) => !clear(g)).length;
    expect(Math.abs(analyzed.gapCount - liveReport.gaps.length), detail).toBeLessThanOrEqual(borderline);
    // The sender's sequence numbers: both count the same datagrams lost in the cut-outs.
    const liveLoss = (liveReport as unknown as { loss: { lost: number } | null }).loss;
    expect(analyzed.loss?.lost, detail).toBe(liveLoss?.lost);
    expect(analyzed.loss!.lost!, detail).toBeGreaterThan(0);
  });
});
