// The reception monitor end to end, through the real CLI (`gapscope listen --json`), against a
// bare reference socket that listens at the same time, in a lab namespace pair (lab/netns.ts),
// with the network impaired by nftables on the inspector's input hook (lab/nft.ts).
//
// Subnet 10.98.10.0/24, fd00:98:a::/64. Needs root, iproute2, nftables and `npm run build`.
//
// In every mode (unicast, broadcast, IPv4 and IPv6 multicast, source-specific multicast):
// - Gapscope counts exactly the datagrams the reference socket counts (multicast and broadcast
//   give each socket a copy; for unicast the sender sends each datagram to both ports and the
//   impairments give both copies the same fate);
// - every cut-out is a Gapscope gap after the same packets and bytes as the reference's, its
//   duration within 10 ms of the reference's and the median difference over a run's gaps within
//   2 ms (see GAP_TOLERANCE_MS);
// - the field case, a quota of 128 KiB reset at jittered intervals, is periodic by bytes, every
//   ~128 KiB of IP traffic's worth of payload.
//
// A second reference socket (the control) listens too. The 5 ms comparison only means something
// when the machine lets a receiver timestamp on time, so a run in which the two references
// themselves disagree by more than 5 ms is discarded and run again (once); Gapscope's numbers are
// always judged on a run where the references agree.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GAPSCOPE_BIN, runGapscopeCli, startGapscope, type GapscopeReport } from '../../lab/gapscope';
import { ALL_MODES, streamSetup, type ModeName, type StreamSetup } from '../../lab/modes';
import { Impairments, payloadPerQuota, type CutOutTiming, type DropCounts, type QuotaRun } from '../../lab/nft';
import { createLabPair, listLabNamespaces, type LabPair } from '../../lab/netns';
import { REPO_DIR, startBare, startSender, type BareReport, type SenderSummary } from '../../lab/streams';

const SUBNET = 10;
const SIZE = 512;
const GAP_MS = 50;
/** How far the two reference sockets may disagree on a gap before a run is discarded as unmeasurable. */
const TOLERANCE_MS = 5;
/**
 * Gapscope against the reference, per gap. Node gives no kernel receive timestamps, so a datagram is
 * timed when JavaScript handles it, and anything that holds the worker back a few ms shifts a gap's
 * end. A fresh-clone run saw 8.5 ms and a local run 10.7 ms on one gap (the rest within 2.6 ms): `listen`
 * then ran the network watcher, whose `ip`/`iw` children inherited SCHED_FIFO every second. With
 * the watcher off for `listen`, 20 runs gave medians of 0.02–0.77 ms and a largest difference of
 * 4.1 ms. The bound leaves room for a stray delay; the median catches a bias, which would show in
 * every gap.
 */
const GAP_TOLERANCE_MS = 10;
const MEDIAN_TOLERANCE_MS = 2;
/**
 * Gapscope and the references run with real-time scheduling (lab/streams.ts), so that load from
 * other processes does not delay their timestamps: measured with three busy loops running, 8 of 98
 * gaps differed by more than 5 ms between two identical bare sockets under normal scheduling, none
 * under SCHED_FIFO (largest difference 1.6 ms; Gapscope's 2.4 ms).
 */
const SCHED = 'realtime';
const QUOTA_BYTES = 131_072;

/** Lets the stream flow this long: a part of a scenario, not a wait for something to happen. */
function flowFor(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface RunResult {
  gapscope: GapscopeReport;
  reference: BareReport;
  control: BareReport;
  sent: SenderSummary;
  drops: DropCounts;
  cuts: CutOutTiming[];
  quota: { resets: number } | null;
}

interface Scenario {
  pps: number;
  sendS: number;
  lossPercent?: number;
  cutOutsMs?: number[];
  quota?: boolean;
}

/** Why two reference receivers disagree on a run's gaps, or null when they agree. */
function referencesDisagree(a: BareReport, b: BareReport): string | null {
  const ga = a.gaps ?? [];
  const gb = b.gaps ?? [];
  if (a.packets !== b.packets) return `packets ${a.packets} vs ${b.packets}`;
  if (ga.length !== gb.length) return `${ga.length} vs ${gb.length} gaps`;
  for (const [i, g] of ga.entries()) {
    const d = Math.abs(g.durationMs - (gb[i]?.durationMs ?? Infinity));
    if (d > TOLERANCE_MS) return `gap ${i}: ${g.durationMs} vs ${gb[i]?.durationMs} ms`;
  }
  return null;
}

describe('UDP reception through the CLI, against a bare socket', () => {
  let pair: LabPair;
  let nextPort = 45_000;

  beforeAll(async () => {
    if (!existsSync(GAPSCOPE_BIN) || !existsSync(join(REPO_DIR, 'out', 'main', 'cli.js'))) {
      throw new Error('Gapscope is not built: run `npm run build` first.');
    }
    pair = await createLabPair({ subnet: SUBNET });
  });

  afterAll(async () => {
    await pair?.teardown();
    expect(listLabNamespaces().filter((ns) => ns.includes(`-${process.pid}-`))).toEqual([]);
  });

  /** One run: Gapscope, the reference and the control listening; the sender sending; impairments applied. */
  async function runOnce(setup: StreamSetup, port: number, s: Scenario): Promise<RunResult> {
    const imp = await Impairments.install(pair.inspector, { port, mirrorPorts: setup.mirrorPorts });
    let quotaRun: QuotaRun | null = null;
    try {
      if (s.lossPercent) await imp.randomLoss(s.lossPercent);
      const gapscope = await startGapscope(pair.inspector, {
        args: setup.gapscopeArgs,
        // Ended by SIGINT once the sender is done: a fixed duration counted from its start could
        // end before the stream on a busy machine, where starting the references took seconds.
        durationS: s.sendS + 60,
        gapMs: GAP_MS,
        scheduling: SCHED,
        group: setup.group,
      });
      const reference = await startBare(pair.inspector, { ...setup.bare, gapMs: GAP_MS, scheduling: SCHED });
      const controlPort = setup.mirrorPorts?.[1];
      const control = await startBare(pair.inspector, {
        ...setup.bare,
        ...(controlPort ? { port: controlPort } : {}),
        gapMs: GAP_MS,
        scheduling: SCHED,
      });
      if (s.quota) quotaRun = await imp.startQuota(QUOTA_BYTES, [250, 450]);
      const sender = startSender(pair.device, { ...setup.sender, pps: s.pps, size: SIZE, durationS: s.sendS, scheduling: SCHED });
      const cuts: CutOutTiming[] = [];
      if (s.cutOutsMs?.length) await sender.started;
      for (const ms of s.cutOutsMs ?? []) {
        // The scenario: 600 ms of flow between cut-outs (what the references and Gapscope then agree on).
        await flowFor(600);
        cuts.push(await imp.cutOut(ms));
      }
      const sent = await sender.done;
      const quota = quotaRun ? await quotaRun.stop() : null;
      // Stopped once every receiver has read all that arrived, so none misses the stream's tail.
      await pair.inspector.waitForUdpQueuesEmpty([Number(setup.gapscopeArgs[setup.gapscopeArgs.indexOf('--port') + 1]), setup.bare.port, ...(setup.mirrorPorts ?? [])]);
      const [ref, ctl] = await Promise.all([reference.stop(), control.stop()]);
      const report = await gapscope.stop();
      return { gapscope: report, reference: ref, control: ctl, sent, drops: await imp.counts(), cuts, quota };
    } finally {
      await quotaRun?.stop();
      await imp.remove();
    }
  }

  /** Runs a scenario, once more if the two references disagree (the machine was too busy to measure). */
  async function run(mode: ModeName, s: Scenario): Promise<RunResult & { setup: StreamSetup }> {
    let why = '';
    for (let attempt = 1; attempt <= 2; attempt++) {
      const port = (nextPort += 4);
      const setup = streamSetup(mode, pair, port, SUBNET, 2);
      const r = await runOnce(setup, port, s);
      const disagree = referencesDisagree(r.reference, r.control);
      if (!disagree) return { ...r, setup };
      why += `attempt ${attempt}: ${disagree}; `;
      console.warn(`${mode}: the two reference receivers disagreed (${disagree}); running again`);
    }
    throw new Error(`the two reference receivers disagreed on every attempt, so timing cannot be judged on this machine now: ${why}`);
  }

  /** The checks every run must pass: the lab itself is consistent, and Gapscope saw what the reference saw. */
  function expectSameTraffic(r: RunResult, setup: StreamSetup): void {
    expect(r.sent.errors).toBe(0);
    // The lab is consistent: everything sent either arrived at the reference or was dropped by a rule.
    expect(r.sent.sent - r.reference.packets, 'sent - received vs dropped by nftables').toBe(r.drops.dropped);
    if (setup.mirrorPorts) expect(r.drops.mirrored).toBe(r.drops.dropped * setup.mirrorPorts.length);
    expect(r.gapscope.packets, 'Gapscope packets vs the bare socket').toBe(r.reference.packets);
    expect(r.gapscope.bytes, 'Gapscope payload bytes vs the bare socket').toBe(r.reference.bytes);
  }

  /** Gapscope's gaps are the reference's gaps: same count, same packets and bytes before, durations within 10 ms (median within 2 ms). */
  function expectSameGaps(r: RunResult): void {
    const ours = r.gapscope.gaps;
    const ref = r.reference.gaps ?? [];
    const detail = JSON.stringify({ gapscope: ours, reference: ref, stalls: r.gapscope.localStalls });
    expect(ours.length, `gap count; ${detail}`).toBe(ref.length);
    for (const [i, g] of ref.entries()) {
      const o = ours[i];
      expect(o?.packetsBefore, `gap ${i} packetsBefore; ${detail}`).toBe(g.packetsBefore);
      expect(o?.bytesBefore, `gap ${i} bytesBefore; ${detail}`).toBe(g.bytesBefore);
      expect(Math.abs((o?.durationMs ?? Infinity) - g.durationMs), `gap ${i} duration ${o?.durationMs} vs ${g.durationMs} ms; ${detail}`).toBeLessThanOrEqual(GAP_TOLERANCE_MS);
      expect(['sender-paused', 'packets-lost', 'unknown'], `gap ${i} is the network's, not a local stall; ${detail}`).toContain(o?.cause);
    }
    const diffs = ref.map((g, i) => Math.abs((ours[i]?.durationMs ?? Infinity) - g.durationMs)).sort((a, b) => a - b);
    const median = diffs[Math.floor(diffs.length / 2)] ?? 0;
    console.info(`Gapscope vs reference gap durations over ${diffs.length} gaps: median ${median.toFixed(2)} ms, max ${(diffs.at(-1) ?? 0).toFixed(2)} ms`);
    expect(median, `median duration difference; ${detail}`).toBeLessThanOrEqual(MEDIAN_TOLERANCE_MS);
  }

  for (const mode of ALL_MODES) {
    describe(mode, () => {
      it('counts exactly what the bare socket counts under random loss, and reports every cut-out as the bare socket measures it', async () => {
        const cutOutsMs = [150, 300, 500];
        const r = await run(mode, { pps: 1000, sendS: 3.6, lossPercent: 20, cutOutsMs });
        expectSameTraffic(r, r.setup);
        // Random loss of single packets never makes a 50 ms silence at 1000 pps: only the cut-outs do.
        expect(r.reference.gaps?.length, JSON.stringify(r.reference.gaps)).toBe(3);
        for (const [i, cut] of r.cuts.entries()) {
          const cutMs = cut.endedAt - cut.startedAt;
          const g = r.reference.gaps?.[i];
          // A sanity check of the lab, not of Gapscope: the cut's own times are taken around the nft
          // commands in another process and carry its latency, so compare with the planned length.
          expect(g?.durationMs).toBeGreaterThanOrEqual((cutOutsMs[i] ?? cutMs) - 20);
          expect(g?.durationMs).toBeLessThanOrEqual(cutMs + 40);
        }
        expectSameGaps(r);
      });

      it('finds the "stops after every 128 KB" pattern (quota with jittered resets) periodic by bytes', async () => {
        const r = await run(mode, { pps: 2000, sendS: 5, quota: true });
        expectSameTraffic(r, r.setup);
        expectSameGaps(r);
        // The quota counts IP packets; the payload that gets through per period (~131072 x 512/540 for IPv4).
        const perPeriod = payloadPerQuota(QUOTA_BYTES, SIZE, r.setup.family);
        const p = r.gapscope.periodicity;
        expect(p.kind, JSON.stringify(p)).toBe('bytes');
        expect(p.gapsConsidered).toBeGreaterThanOrEqual(8);
        expect(Math.abs((p.everyBytes ?? 0) - perPeriod) / perPeriod, JSON.stringify({ p, perPeriod })).toBeLessThanOrEqual(0.01);
      });
    });
  }

  describe('bad input: a non-zero exit and one clear line on stderr, no stack trace', () => {
    /** Runs `gapscope listen` with `args` inside the inspector namespace and checks the failure. */
    async function expectRefused(args: string[], mentions: RegExp): Promise<string> {
      // --duration makes a wrongly accepted invocation end (with status 0) instead of hanging.
      const r = await runGapscopeCli(pair.inspector, ['listen', ...args, '--json', '--duration', '3']);
      const message = r.stderr.trim();
      const context = JSON.stringify({ args, code: r.code, stderr: r.stderr, stdout: r.stdout.slice(0, 300) });
      expect(r.code, context).not.toBe(0);
      expect(r.code, context).not.toBeNull();
      expect(message.split('\n'), context).toHaveLength(1);
      expect(message, context).not.toMatch(/^\s+at /m);
      expect(message, context).toMatch(mentions);
      return message;
    }

    it('an out-of-range port', async () => {
      await expectRefused(['--port', '70000'], /70000|port/i);
    });

    it('a port that is not a number', async () => {
      await expectRefused(['--port', 'abc'], /abc|port/i);
    });

    it('a malformed group', async () => {
      await expectRefused(['--port', '45901', '--group', '239.1.2.300'], /239\.1\.2\.300|group|address/i);
    });

    it('a group that is not a multicast address', async () => {
      // --group is "multicast group to join": a unicast address there is a mistake to point out.
      await expectRefused(['--port', '45902', '--group', pair.inspector.ipv4], /multicast|group/i);
    });

    it('an unknown interface', async () => {
      await expectRefused(['--port', '45903', '--group', '239.98.10.9', '--iface', 'nosuch0'], /nosuch0/);
    });

    it('an interface that cannot join (no MULTICAST flag)', async () => {
      await expectRefused(['--port', '45905', '--group', '239.98.10.9', '--iface', 'lo'], /Could not join|does not support multicast/);
    });

    it('a port already in use', async () => {
      const port = 45_904;
      const blocker = pair.inspector.spawn('node', ['-e', `require('dgram').createSocket('udp4').bind(${port}, () => console.log('bound'))`]);
      await blocker.waitForLine(/bound/);
      try {
        await expectRefused(['--port', String(port)], /in use|EADDRINUSE|already/i);
      } finally {
        blocker.kill('SIGKILL');
      }
    });
  });

  describe('an interface that disappears mid-stream', () => {
    it('is reported once in a clear line while listening goes on, and the report still comes', async () => {
      // A veth pair of its own inside the inspector namespace, so the lab's link stays untouched.
      const ins = pair.inspector;
      await ins.exec('ip', ['link', 'add', 'gsgone0', 'type', 'veth', 'peer', 'name', 'gsgone1']);
      await ins.exec('ip', ['addr', 'add', '10.98.11.1/24', 'dev', 'gsgone0']);
      await ins.exec('ip', ['link', 'set', 'gsgone0', 'up']);
      await ins.exec('ip', ['link', 'set', 'gsgone1', 'up']);
      const run = await startGapscope(ins, { args: ['--port', '45906', '--group', '239.98.11.1', '--iface', 'gsgone0'], durationS: 4 });
      // The link goes once Gapscope's join is in the kernel's membership list.
      await ins.waitForMembership('239.98.11.1', 10_000, 'gsgone0');
      await ins.exec('ip', ['link', 'del', 'gsgone0']);
      const line = await run.proc.waitForLine(/disappeared/, 5000);
      expect(line).toBe('gapscope: Interface gsgone0 disappeared; still listening in case it comes back.');
      const report = await run.report();
      expect(report.durationMs).toBeGreaterThanOrEqual(3900);
      expect(run.proc.stderr().match(/disappeared/g)).toHaveLength(1);
    });
  });
});
