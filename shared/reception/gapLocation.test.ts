// The gap locator driven as the receiver worker drives it: two real ReceptionMonitors (the socket's
// and the wire view's) decoding the same synthetic streams, each calling the locator from onDecoded,
// and the socket's gaps handed over with the kernel's drop count already on them.
import { describe, expect, it } from 'vitest';
import { sampleDatagram } from '../decoders/testing/sampleStreams';
import type { FormatName } from '../decoders/types';
import { GapLocator, SequenceSet, WIRE_LAG_MS, gapLocationHint, gapLocationText } from './gapLocation';
import { ReceptionMonitor } from './receptionMonitor';
import type { Gap } from './types';

/** A socket and a wire view of one flow; `drops` is what the kernel counted for the next gap. */
function rig(format: Exclude<FormatName, 'field'>) {
  const locator = new GapLocator();
  let drops = 0;
  const decode = format === 'none' ? 'none' : format;
  const socket = new ReceptionMonitor({ binMs: 100, gapMs: 100, decode, onDecoded: (at, s, f, fm) => locator.onSocketPacket(at, s, f, fm), onGap: (g) => ((g.socketDrops = drops), (g.socketDropsScope = 'socket'), locator.onSocketGap(g)) });
  const wire = new ReceptionMonitor({ binMs: 100, gapMs: 100, decode, onDecoded: (at, s, f, fm) => locator.onWirePacket(at, s, f, fm) });
  const payload = (i: number): Uint8Array => sampleDatagram(format === 'none' ? 'mpegts' : format, i).slice(0, format === 'none' ? 100 : undefined);
  return {
    locator,
    socket,
    wire,
    setDrops: (n: number) => (drops = n),
    /** Datagram i at t ms, seen by the socket and/or the wire (the wire stamps it 0.2 ms earlier). */
    packet(i: number, t: number, where: { socket: boolean; wire: boolean }) {
      if (where.wire) wire.onPacket(t - 0.2, payload(i), 'd');
      if (where.socket) socket.onPacket(t, payload(i), 'd');
    },
    gaps: (): Gap[] => socket.snapshot(1e9).gaps,
  };
}

const both = { socket: true, wire: true };

/** 0..99 at 1 ms, 300 ms of silence on the socket during which datagrams 100..149 go `hole`, then 150..199. */
function streamWithHole(r: ReturnType<typeof rig>, hole: (i: number) => { socket: boolean; wire: boolean }, holeSent = true): number {
  let t = 0;
  for (let i = 0; i < 100; i++) r.packet(i, (t += 1), both);
  const first = holeSent ? 150 : 100;
  if (holeSent) for (let i = 100; i < 150; i++) r.packet(i, (t += 6), hole(i));
  else t += 300;
  for (let i = first; i < first + 50; i++) r.packet(i, (t += 1), both);
  return t;
}

describe('GapLocator by sequence numbers (exact)', () => {
  it('says "never reached this machine" when the wire saw none of the hole either', () => {
    const r = rig('seq');
    streamWithHole(r, () => ({ socket: false, wire: false }));
    const [g] = r.gaps();
    expect(g!.lostPackets).toBe(50);
    expect(g!.location).toEqual({ where: 'before-wire', matchedBy: 'sequence', missed: 50, beforeWire: 50, socketBuffer: 0, afterWire: 0 });
    expect(gapLocationText(g!.location!)).toBe('never reached this machine');
    expect(r.locator.takeLocated()).toEqual([{ startMs: g!.startMs, location: g!.location }]);
    expect(r.locator.takeLocated()).toEqual([]);
    expect(gapLocationHint(g!.location!)).toContain('missed 50 datagrams since the previous gap and the wire view saw none of them');
  });

  it('says "dropped in the receive buffer" when the wire saw them and the kernel counted them', () => {
    const r = rig('seq');
    r.setDrops(50);
    streamWithHole(r, () => ({ socket: false, wire: true }));
    expect(r.gaps()[0]!.location).toEqual({ where: 'socket-buffer', matchedBy: 'sequence', missed: 50, beforeWire: 0, socketBuffer: 50, afterWire: 0 });
  });

  it('says "reached the network card, lost on this machine" when the wire saw them and the kernel counted no buffer drops', () => {
    const r = rig('iperf2');
    streamWithHole(r, () => ({ socket: false, wire: true }));
    expect(r.gaps()[0]!.location).toMatchObject({ where: 'after-wire', missed: 50, beforeWire: 0, socketBuffer: 0, afterWire: 50 });
  });

  it('splits a mixed hole: 20 never arrived, 30 seen on the wire of which the kernel counted 10 in the buffer', () => {
    const r = rig('seq');
    r.setDrops(10);
    streamWithHole(r, (i) => ({ socket: false, wire: i >= 120 }));
    const l = r.gaps()[0]!.location!;
    expect(l).toEqual({ where: 'mixed', matchedBy: 'sequence', missed: 50, beforeWire: 20, socketBuffer: 10, afterWire: 20 });
    expect(gapLocationHint(l)).toBe('The socket missed 50 datagrams since the previous gap: 20 never reached this machine, 10 were dropped in its receive buffer (counted by the kernel), 20 reached the network card and were lost on this machine otherwise.');
  });

  it('carries the kernel\'s drops over to the next gap when they were counted before the socket had read that far', () => {
    const r = rig('seq');
    let t = 0;
    for (let i = 0; i < 100; i++) r.packet(i, (t += 1), both);
    // The kernel counted all 60 drops when the first gap closed; the socket meets 20 of them there, 40 at the next gap.
    r.setDrops(60);
    for (let i = 100; i < 120; i++) r.packet(i, (t += 1), { socket: false, wire: true });
    r.packet(120, (t += 200), both);
    r.setDrops(0);
    for (let i = 121; i < 161; i++) r.packet(i, (t += 1), { socket: false, wire: true });
    r.packet(161, (t += 200), both);
    r.packet(162, t + 1, both);
    const [a, b] = r.gaps();
    expect(a!.location).toMatchObject({ where: 'socket-buffer', missed: 20, socketBuffer: 20 });
    expect(b!.location).toMatchObject({ where: 'socket-buffer', missed: 40, socketBuffer: 40, afterWire: 0 });
  });

  it('says nothing was lost across a sender pause, and locates each gap over its own stretch', () => {
    const r = rig('seq');
    let t = streamWithHole(r, () => ({ socket: false, wire: false }), false);
    // A second stretch, with a hole the wire saw, ends with a second gap.
    for (let i = 150; i < 160; i++) r.packet(i, (t += 1), { socket: i < 155, wire: true });
    r.packet(160, (t += 300), both);
    r.packet(161, t + 1, both);
    const [pause, hole] = r.gaps();
    expect(pause!.lostPackets).toBe(0);
    expect(pause!.location).toMatchObject({ where: 'none', missed: 0 });
    expect(hole!.location).toMatchObject({ where: 'after-wire', missed: 5, afterWire: 5 });
  });

  it('counts from the wire view\u2019s first datagram: what the socket missed before it started is not "never reached"', () => {
    const r = rig('seq');
    let t = 0;
    for (let i = 0; i < 50; i++) r.packet(i, (t += 1), { socket: i % 2 === 0, wire: false });
    for (let i = 50; i < 100; i++) r.packet(i, (t += 1), both);
    r.packet(100, (t += 300), both);
    r.packet(101, t + 1, both);
    expect(r.gaps()[0]!.location).toMatchObject({ where: 'none', missed: 0 });
  });

  it('waits for the wire view to pass the gap (it reads its engine in blocks), then locates it; tick() when the wire falls silent', () => {
    const r = rig('seq');
    let t = 0;
    for (let i = 0; i < 100; i++) r.socket.onPacket((t += 1), sampleDatagram('seq', i), 'd');
    r.socket.onPacket((t += 300), sampleDatagram('seq', 150), 'd');
    expect(r.gaps()[0]!.location).toBeUndefined();
    // The wire view's block arrives: the whole hole, and the datagram after it.
    for (let i = 0; i < 150; i++) r.wire.onPacket(i < 100 ? i + 0.8 : 100 + (i - 100) * 6, sampleDatagram('seq', i), 'd');
    expect(r.gaps()[0]!.location).toBeUndefined();
    r.wire.onPacket(t - 0.2, sampleDatagram('seq', 150), 'd');
    expect(r.gaps()[0]!.location).toMatchObject({ where: 'after-wire', afterWire: 50 });

    const q = rig('seq');
    for (let i = 0; i < 100; i++) q.packet(i, i + 1, both);
    q.socket.onPacket(400, sampleDatagram('seq', 110), 'd');
    q.locator.tick(400 + WIRE_LAG_MS - 1);
    expect(q.gaps()[0]!.location).toBeUndefined();
    q.locator.tick(400 + WIRE_LAG_MS + 1);
    expect(q.gaps()[0]!.location).toMatchObject({ where: 'before-wire', missed: 10 });
  });

  it('locates what is pending when the wire view ends, and nothing after', () => {
    const r = rig('seq');
    for (let i = 0; i < 100; i++) r.packet(i, i + 1, both);
    r.socket.onPacket(400, sampleDatagram('seq', 105), 'd');
    r.locator.finish();
    expect(r.gaps()[0]!.location).toMatchObject({ where: 'before-wire', missed: 5 });
    r.socket.onPacket(800, sampleDatagram('seq', 106), 'd');
    expect(r.gaps()[1]!.location).toBeUndefined();
  });
});

describe('GapLocator memory', () => {
  it('forgets the older half of a long stretch with many holes, and matches that stretch by counts; the next by number again', () => {
    const locator = new GapLocator(8);
    let t = 0;
    // Every third datagram lost before the wire: 30 holes in one stretch, more than 8 ranges.
    for (let i = 0; i < 90; i++) {
      t += 1;
      if (i % 3 === 2) continue;
      locator.onWirePacket(t - 0.2, i, 0, 'seq');
      locator.onSocketPacket(t, i, 0, 'seq');
    }
    const gap = (startMs: number, endMs: number): Gap => ({ startMs, endMs, durationMs: endMs - startMs, packetsBefore: 0, bytesBefore: 0, cause: 'unexplained', lostPackets: 0 });
    locator.onSocketPacket((t += 300), 90, 0, 'seq');
    const first = gap(t - 300, t);
    locator.onSocketGap(first);
    locator.onWirePacket(t - 0.2, 90, 0, 'seq');
    for (let i = 91; i < 100; i++) {
      locator.onWirePacket((t += 1) - 0.2, i, 0, 'seq');
      locator.onSocketPacket(t, i, 0, 'seq');
    }
    locator.onSocketPacket((t += 300), 105, 0, 'seq');
    const second = gap(t - 300, t);
    locator.onSocketGap(second);
    locator.onWirePacket(t - 0.2, 105, 0, 'seq');
    expect(first.location).toMatchObject({ matchedBy: 'time', missed: 0 });
    expect(second.location).toEqual({ where: 'before-wire', matchedBy: 'sequence', missed: 5, beforeWire: 5, socketBuffer: 0, afterWire: 0 });
  });
});

describe('GapLocator by counts (no per-datagram sequence numbers)', () => {
  it('without a decoder: what the wire saw beyond the socket in the stretch, "about"', () => {
    const r = rig('none');
    streamWithHole(r, () => ({ socket: false, wire: true }));
    const l = r.gaps()[0]!.location!;
    expect(l).toEqual({ where: 'after-wire', matchedBy: 'time', missed: 50, beforeWire: 0, socketBuffer: 0, afterWire: 50 });
    expect(gapLocationHint(l)).toContain('saw about 50 datagrams');
  });

  it('without a decoder, a silence on the wire too is "never reached this machine"', () => {
    const r = rig('none');
    streamWithHole(r, () => ({ socket: false, wire: false }));
    expect(r.gaps()[0]!.location).toMatchObject({ where: 'before-wire', matchedBy: 'time', missed: 0 });
  });

  it('a sender that restarts its count after a pause: nothing missed, whether the wire view is read before or after the socket', () => {
    for (const wireLate of [false, true]) {
      const r = rig('seq');
      const wireQueue: [number, number][] = [];
      let t = 0;
      const send = (i: number) => {
        t += 2;
        if (wireLate) wireQueue.push([i, t]);
        r.packet(i, t, { socket: true, wire: !wireLate });
      };
      for (let i = 0; i < 300; i++) send(i);
      t += 400;
      for (let i = 0; i < 200; i++) send(i);
      // The wire's datagrams handed over after the socket's (its thread reads its engine in blocks).
      for (const [i, at] of wireQueue) r.packet(i, at, { socket: false, wire: true });
      r.locator.finish();
      const g = r.gaps().filter((x) => x.durationMs > 300);
      expect(g).toHaveLength(1);
      expect(g[0]!.deviceRestart).toBe('sequence');
      expect(g[0]!.location, `wire read late: ${wireLate}`).toEqual({ where: 'none', matchedBy: 'time', missed: 0, beforeWire: 0, socketBuffer: 0, afterWire: 0 });
    }
  });

  it('MAVLink\u2019s per-link u8 counter is not matched by number', () => {
    const r = rig('mavlink');
    r.setDrops(50);
    streamWithHole(r, () => ({ socket: false, wire: true }));
    expect(r.gaps()[0]!.location).toMatchObject({ where: 'socket-buffer', matchedBy: 'time', missed: 50, socketBuffer: 50 });
  });
});

describe('SequenceSet', () => {
  it('keeps ranges through reordering and duplicates, counts and forgets', () => {
    const s = new SequenceSet();
    for (const x of [1, 2, 3, 7, 5, 6, 6, 10, 4, 9]) s.add(x);
    expect(s.ranges).toBe(2);
    expect(s.countIn(0, 10)).toBe(9);
    expect(s.countIn(3, 9)).toBe(5);
    const t = new SequenceSet();
    for (const x of [2, 3, 8]) t.add(x);
    expect(s.countNotIn(t, 0, 10)).toBe(7);
    s.forgetUpTo(5);
    expect(s.first).toBe(6);
    expect(s.countIn(0, 10)).toBe(4);
  });
});
