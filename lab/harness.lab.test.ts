// Proves the lab harness on its own, without Gapscope: the sender, two reference receivers and
// the nftables impairments must agree with each other exactly, in every reception mode, before
// they are trusted to judge Gapscope (electron/reception/reception.lab.test.ts). Subnet 10.98.90.0/24.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_MODES, streamSetup, type ModeName } from './modes';
import { Impairments, payloadPerQuota } from './nft';
import { createLabPair, listLabNamespaces, type LabPair } from './netns';
import { startBare, startSender, type BareOptions } from './streams';

const SUBNET = 90;
const SIZE = 512;
// Receivers run with real-time scheduling so that other load on a 2-core machine does not delay
// their timestamps (measured with three busy loops running: 8 of 98 gaps differed by more than
// 5 ms between two identical receivers under normal scheduling, none under SCHED_FIFO).
const SCHED = 'realtime';

/** Lets the stream flow this long: a part of a scenario, not a wait for something to happen. */
function flowFor(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('lab harness', () => {
  let pair: LabPair;
  let port = 41000;

  beforeAll(async () => {
    pair = await createLabPair({ subnet: SUBNET });
  });
  afterAll(async () => {
    await pair?.teardown();
  });

  it('creates the pair and nothing on the host', async () => {
    expect(listLabNamespaces()).toEqual(expect.arrayContaining([pair.device.ns, pair.inspector.ns]));
    const hostLinks = execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' });
    expect(hostLinks).not.toContain(pair.device.iface);
    const addrs = (await pair.inspector.exec('ip', ['addr', 'show', 'dev', pair.inspector.iface])).stdout;
    expect(addrs).toContain(`inet ${pair.inspector.ipv4}/24 brd ${pair.inspector.broadcast}`);
    expect(addrs).toContain(`inet6 ${pair.inspector.ipv6}/64`);
    expect(addrs).not.toContain('tentative');
    // No route leaves the lab: the inspector reaches only its own subnet.
    const route = await pair.inspector.exec('ip', ['route', 'get', '1.1.1.1'], { allowFailure: true });
    expect(route.code).not.toBe(0);
  });

  /** Two reference receivers that must see the same datagrams: on the same port, or on the unicast twins. */
  function receivers(mode: ModeName, p: number): { setup: ReturnType<typeof streamSetup>; a: BareOptions; b: BareOptions } {
    const setup = streamSetup(mode, pair, p, SUBNET);
    const b: BareOptions = mode === 'unicast' ? { port: p } : { ...setup.bare };
    return { setup, a: setup.bare, b };
  }

  for (const mode of ALL_MODES) {
    it(`${mode}: loss and cut-outs hit both receivers identically and every drop is counted`, async () => {
      const p = (port += 4);
      const { setup, a, b } = receivers(mode, p);
      const imp = await Impairments.install(pair.inspector, { port: p, mirrorPorts: setup.mirrorPorts });
      try {
        await imp.randomLoss(10);
        const udpBefore = await pair.inspector.udpCounters();
        const ra = await startBare(pair.inspector, { ...a, gapMs: 50, scheduling: SCHED });
        const rb = await startBare(pair.inspector, { ...b, gapMs: 50, scheduling: SCHED });
        if (setup.group) await pair.inspector.waitForMembership(setup.group);
        const sender = startSender(pair.device, { ...setup.sender, pps: 1000, size: SIZE, durationS: 3.5, scheduling: SCHED });
        // The scenario: 800 ms of flow, a 150 ms cut, 700 ms of flow, a 300 ms cut.
        await sender.started;
        await flowFor(800);
        const cut1 = await imp.cutOut(150);
        await flowFor(700);
        const cut2 = await imp.cutOut(300);
        const sent = await sender.done;
        // Stopped once both have read all that arrived.
        await pair.inspector.waitForUdpQueuesEmpty([a.port, b.port]);
        const [repA, repB] = await Promise.all([ra.stop(), rb.stop()]);
        const drops = await imp.counts();
        const udpAfter = await pair.inspector.udpCounters();

        expect(sent.errors).toBe(0);
        expect(udpAfter.rcvbufErrors - udpBefore.rcvbufErrors, 'socket buffer drops').toBe(0);
        expect(repA.packets).toBe(repB.packets);
        expect(repA.bytes).toBe(repB.bytes);
        expect(sent.sent - repA.packets).toBe(drops.dropped);
        if (setup.mirrorPorts) expect(drops.mirrored).toBe(drops.dropped * setup.mirrorPorts.length);
        expect(repA.seq.outOfOrder).toBe(0);
        const detail = JSON.stringify({ a: repA.gaps, b: repB.gaps, cut1, cut2, senderMaxLagMs: sent.maxLagMs });
        // Both receivers saw the same silences, one for one.
        const gapsA = repA.gaps ?? [];
        const gapsB = repB.gaps ?? [];
        expect(gapsB.length, detail).toBe(gapsA.length);
        for (const [i, ga] of gapsA.entries()) {
          expect(ga.packetsBefore, detail).toBe(gapsB[i]!.packetsBefore);
          expect(Math.abs(ga.durationMs - gapsB[i]!.durationMs), detail).toBeLessThanOrEqual(5);
        }
        // Each cut is one of them, in order. The silence is the cut plus up to one packet interval
        // (more if the loss rule took neighbours). The cut's own times are taken around nft commands
        // in this process, which a busy machine delays by tens of ms: a check that the cut happened,
        // not a measurement.
        const fits = (g: { durationMs: number }, cut: typeof cut1): boolean => g.durationMs >= cut.requestedMs - 20 && g.durationMs <= cut.endedAt - cut.startedAt + 40;
        const at1 = gapsA.findIndex((g) => fits(g, cut1));
        const at2 = gapsA.findIndex((g, i) => i > at1 && fits(g, cut2));
        expect(at1, detail).toBeGreaterThanOrEqual(0);
        expect(at2, detail).toBeGreaterThan(at1);
        // Any other silence is the sender's own: a loaded machine held it back that long (its lag).
        for (const [i, g] of gapsA.entries()) if (i !== at1 && i !== at2) expect(g.durationMs, detail).toBeLessThanOrEqual(sent.maxLagMs + 2);
      } finally {
        await imp.remove();
      }
    });
  }

  for (const mode of ['unicast', 'multicast-ipv6'] as const) {
    it(`${mode}: the quota with jittered resets stops the stream after the same byte count every time`, async () => {
      const p = (port += 4);
      const { setup, a, b } = receivers(mode, p);
      const imp = await Impairments.install(pair.inspector, { port: p, mirrorPorts: setup.mirrorPorts });
      try {
        const udpBefore = await pair.inspector.udpCounters();
        const ra = await startBare(pair.inspector, { ...a, gapMs: 50, scheduling: SCHED });
        const rb = await startBare(pair.inspector, { ...b, gapMs: 50, scheduling: SCHED });
        if (setup.group) await pair.inspector.waitForMembership(setup.group);
        const quota = await imp.startQuota(131072, [250, 450]);
        const sender = startSender(pair.device, { ...setup.sender, pps: 2000, size: SIZE, durationS: 4, scheduling: SCHED });
        const sent = await sender.done;
        const { resets } = await quota.stop();
        await pair.inspector.waitForUdpQueuesEmpty([a.port, b.port]);
        const [repA, repB] = await Promise.all([ra.stop(), rb.stop()]);
        const drops = await imp.counts();

        expect(repA.packets).toBe(repB.packets);
        const udpAfter = await pair.inspector.udpCounters();
        expect(udpAfter.rcvbufErrors - udpBefore.rcvbufErrors, 'socket buffer drops').toBe(0);
        expect(sent.sent - repA.packets, JSON.stringify({ sent, drops, a: repA.packets })).toBe(drops.dropped);
        const all = repA.gaps ?? [];
        expect(repB.gaps?.map((g) => g.packetsBefore)).toEqual(all.map((g) => g.packetsBefore));
        // A silence no longer than the sender's own lag is a loaded machine holding the sender back,
        // inside a period; the quota's silences end the periods.
        const detail = JSON.stringify({ gaps: all, senderMaxLagMs: sent.maxLagMs });
        const periods: number[] = [];
        let bytes = 0;
        for (const g of all) {
          bytes += g.bytesBefore;
          if (g.durationMs > sent.maxLagMs + 2) {
            periods.push(bytes);
            bytes = 0;
          }
        }
        expect(periods.length, detail).toBeGreaterThanOrEqual(resets - 2);
        // Every period before a quota's silence, the first included, carries exactly the quota's payload.
        const perPeriod = payloadPerQuota(131072, SIZE, setup.family);
        expect(periods, detail).toEqual(periods.map(() => perPeriod));
      } finally {
        await imp.remove();
      }
    });
  }

  it('teardown deletes both namespaces and kills what ran in them', async () => {
    const extra = await createLabPair({ subnet: SUBNET + 1 });
    const sleeper = extra.inspector.spawn('sleep', ['60']);
    await extra.teardown();
    const r = await sleeper.exited;
    expect(r.signal).toBe('SIGKILL');
    expect(listLabNamespaces()).not.toContain(extra.inspector.ns);
    expect(listLabNamespaces()).not.toContain(extra.device.ns);
  });
});
