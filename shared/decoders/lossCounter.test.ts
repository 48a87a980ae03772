import { describe, expect, it } from 'vitest';
import { Arrival, JitterMeter, LossCounter, WINDOW, type LossCounterOptions } from './lossCounter';

function count(ids: number[], options: LossCounterOptions = { firstExpected: 1 }): LossCounter {
  const c = new LossCounter(options);
  for (const id of ids) c.add(id);
  return c;
}

// What `iperf -s -u` 2.1.8 printed ("Lost/Total", "N datagrams received out-of-order") when crafted
// datagrams with these ids were sent to it on loopback; the last id of each run is the id of the
// first end-of-test datagram, which iperf counts like any other. `distinctLost` is Gapscope's Lost,
// expected − distinct ids: it differs from iperf's only where a duplicate arrived.
const IPERF_2_1_8 = [
  { ids: [1, 2, 5, 6, 7], lost: 2, total: 7, outOfOrder: 0, distinctLost: 2 },
  { ids: [1, 2, 4, 3, 5, 6], lost: 0, total: 6, outOfOrder: 1, distinctLost: 0 },
  { ids: [1, 2, 3, 3, 4, 5], lost: 0, total: 5, outOfOrder: 1, distinctLost: 0 },
  { ids: [1, 2, 2, 5, 6], lost: 1, total: 6, outOfOrder: 1, distinctLost: 2 }, // iperf: a duplicate hides one loss
  { ids: [100, 101, 103, 104], lost: 100, total: 104, outOfOrder: 0, distinctLost: 100 }, // joined mid-stream
  { ids: [1, 2, 3, 10, 4, 5, 11], lost: 4, total: 11, outOfOrder: 2, distinctLost: 4 },
  { ids: [1, 1, 1, 2, 3], lost: 0, total: 3, outOfOrder: 2, distinctLost: 0 },
  { ids: [1, 3, 2, 4], lost: 0, total: 4, outOfOrder: 1, distinctLost: 0 },
  { ids: [2, 1, 3, 4], lost: 0, total: 4, outOfOrder: 1, distinctLost: 0 },
  { ids: [1, 2, 3, 5], lost: 1, total: 5, outOfOrder: 0, distinctLost: 1 }, // the first end datagram (4) was lost
];

describe('LossCounter: Lost is expected − distinct ids, iperfLost what iperf 2 prints', () => {
  it.each(IPERF_2_1_8)('ids $ids → iperf $lost/$total, $outOfOrder out of order (as iperf 2.1.8 printed); Lost $distinctLost', ({ ids, lost, total, outOfOrder, distinctLost }) => {
    const c = count(ids);
    expect(c.iperfLost).toBe(lost);
    expect(c.expected).toBe(total);
    expect(c.outOfOrder).toBe(outOfOrder);
    expect(c.received).toBe(ids.length);
    expect(c.lost).toBe(distinctLost);
    expect(c.lost).toBe(c.expected - new Set(ids).size);
  });

  it('counts every id twice as no loss at all, and loss hidden under duplicates as loss', () => {
    // Each datagram captured twice (a mirror port seeing both directions of a bridge), 11 never sent on.
    const sent = Array.from({ length: 537 }, (_, i) => i + 1).filter((i) => i !== 24 && !(i >= 222 && i <= 231));
    const c = count(sent.flatMap((i) => [i, i]));
    expect(c.expected).toBe(537);
    expect(c.duplicates).toBe(526);
    expect(c.lost).toBe(11);
    expect(c.iperfLost).toBe(0); // iperf takes each duplicate off its loss
    expect(c.reordered).toBe(0);
  });

  it('gives the same Lost whatever the order and the repeats of the same set of ids', () => {
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let run = 0; run < 20; run++) {
      const ids = Array.from({ length: 3000 }, (_, i) => i + 1).filter(() => random() > 0.1);
      const arrivals = ids.flatMap((i) => (random() < 0.2 ? [i, i] : [i]));
      // Local reordering: swap neighbours now and then, never across the window.
      for (let i = 1; i < arrivals.length; i++) if (random() < 0.1) [arrivals[i - 1], arrivals[i]] = [arrivals[i]!, arrivals[i - 1]!];
      const c = count(arrivals);
      expect(c.lost).toBe(c.expected - new Set(arrivals).size);
      expect(c.iperfLost).toBe(Math.max(0, c.skipped - c.outOfOrder));
    }
  });

  it('matches iperf on 2000 ids with every 7th missing: 285/2001', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => i + 1).filter((i) => i % 7 !== 0);
    ids.push(2001);
    const c = count(ids);
    expect([c.lost, c.expected]).toEqual([285, 2001]);
  });

  it('tells duplicates from late packets, which iperf lumps together as out-of-order', () => {
    const c = count([1, 2, 4, 3, 3, 5]);
    expect(c.duplicates).toBe(1);
    expect(c.reordered).toBe(1);
    expect(c.outOfOrder).toBe(2);
    expect(c.lost).toBe(0);
  });

  it('reports how many ids each forward jump skipped, for the gap the packet ended', () => {
    const c = new LossCounter({ firstExpected: 1 });
    expect(c.add(1)).toBe(Arrival.inOrder);
    expect(c.add(5)).toBe(Arrival.jump);
    expect(c.lastSkipped).toBe(3);
    expect(c.add(3)).toBe(Arrival.late);
    expect(c.lastSkipped).toBe(0);
    expect(c.add(3)).toBe(Arrival.duplicate);
    expect(c.add(6)).toBe(Arrival.inOrder);
  });

  it('handles 64-bit ids past 2^32', () => {
    const b = 2 ** 32;
    const c = count([b + 1, b + 2, b + 4, b + 5]);
    expect(c.expected).toBe(b + 5);
    expect(c.iperfLost).toBe(b + 1); // iperf 2.1.8 printed 4294967297/4294967301 for these ids
    expect(c.lost).toBe(b + 1);
  });

  it('terminates on ids past 2^53, where id + 1 rounds back to id (a fuzz find)', () => {
    const c = new LossCounter();
    c.add(2 ** 60);
    expect(c.add(2 ** 60 + 256)).toBe(Arrival.jump);
    expect(c.add(2 ** 60 + 8192)).toBe(Arrival.jump);
  });

  it('counts late ids older than the window as reordered', () => {
    const c = count([1, 3, WINDOW + 10, 2]);
    expect(c.reordered).toBe(1);
    expect(c.duplicates).toBe(0);
    expect(c.lost).toBe(WINDOW + 10 - 4);
  });

  it('tracks ids below the first one seen (no first id given) without counting them in the span', () => {
    const c = new LossCounter({ bits: 16 });
    for (const s of [10, 9, 9, 11, 13]) c.add(s);
    expect(c.expected).toBe(4); // 10..13
    expect(c.duplicates).toBe(1);
    expect(c.reordered).toBe(1);
    expect(c.lost).toBe(1); // 12
  });

  it('keeps totals across a restart, as iperf sums its reports', () => {
    const c = count([1, 2, 4]);
    c.restart();
    for (const id of [1, 3]) c.add(id);
    expect(c.expected).toBe(4 + 3);
    expect(c.lost).toBe(1 + 1);
    expect(c.iperfLost).toBe(1 + 1);
    expect(c.received).toBe(5);
  });
});

describe('LossCounter, iperf 3 convention', () => {
  it('takes a late packet off the running loss, never below zero at that moment', () => {
    // iperf 2: max(0, 2 - 1) = 1; iperf 3: the duplicate comes before any loss, so it changes nothing.
    const ids = [1, 1, 2, 5];
    expect(count(ids).iperfLost).toBe(1);
    const c3 = count(ids, { firstExpected: 1, convention: 'iperf3' });
    expect(c3.iperfLost).toBe(2);
    expect(c3.outOfOrder).toBe(1);
    expect(c3.lost).toBe(2); // the convention changes iperf's number only
  });
});

describe('LossCounter with narrow wrapping fields', () => {
  it('unwraps a 16-bit sequence across the wrap', () => {
    const c = new LossCounter({ bits: 16 });
    for (const s of [65533, 65534, 65535, 0, 2, 1]) c.add(s);
    expect(c.lastId).toBe(65537);
    expect(c.expected).toBe(6);
    expect(c.lost).toBe(0);
    expect(c.reordered).toBe(1);
  });

  it('wraps an 8-bit field and reads a jump of half the range as late (aliasing: losses are lower bounds)', () => {
    const c = new LossCounter({ bits: 8 });
    c.add(10);
    c.add(11);
    expect(c.add(11 + 200)).toBe(Arrival.late); // 200 ahead is read as 56 behind
  });

  it('reads a 16-bit counter that falls back to its start as the device restarting, wherever it had got to', () => {
    // Before the wrap (40,000 unwraps to 25,535 skipped), and after three wraps (200,000 = 3 x 65,536 + 3,392).
    for (const sent of [40_000, 200_000]) {
      const c = new LossCounter({ bits: 16 });
      for (let i = 0; i < sent; i++) c.add(i % 65_536);
      expect(c.add(0)).toBe(Arrival.restart);
      expect(c.lastRestart).toBe('sequence');
      for (let i = 1; i < 100; i++) expect(c.add(i)).toBe(Arrival.inOrder);
      expect(c.lost).toBe(0);
      expect(c.received).toBe(sent + 100);
    }
    // A device whose first id is not 0 (RTP's random start) comes back within RESTART_SLACK of it.
    const c = new LossCounter({ bits: 16 });
    for (let i = 0; i < 50_000; i++) c.add((30_000 + i) % 65_536);
    expect(c.add(30_003)).toBe(Arrival.restart);
  });

  it('still counts a 16-bit loss that ends away from the start, and the wrap itself, as before', () => {
    const c = new LossCounter({ bits: 16 });
    for (let i = 0; i < 65_500; i++) c.add(i);
    expect(c.add(100)).toBe(Arrival.jump); // 65,500 .. 65,535 and 0 .. 99 lost: 136
    expect(c.lost).toBe(136);
    // 40 ids past the start after a wrap, in order: not a restart (not a jump of RESTART_MIN_BACK).
    const d = new LossCounter({ bits: 16 });
    for (let i = 0; i < 65_536 + 40; i++) expect(d.add(i % 65_536)).not.toBe(Arrival.restart);
    expect(d.lost).toBe(0);
    // An 8-bit field keeps reading by position: 256 values are too few to tell a restart by value.
    const e = new LossCounter({ bits: 8 });
    for (let i = 0; i < 200; i++) e.add(i);
    expect(e.add(0)).not.toBe(Arrival.restart);
  });

  it('counts from the first id seen when no first id is given (RFC 3550)', () => {
    const c = new LossCounter({ bits: 16 });
    for (const s of [1000, 1001, 1003]) c.add(s);
    expect(c.expected).toBe(4);
    expect(c.lost).toBe(1);
  });
});

describe('JitterMeter', () => {
  it('follows RFC 3550: J += (|D| − J)/16 in arrival order', () => {
    const j = new JitterMeter();
    expect(j.jitterMs).toBeNull();
    j.add(100, 0);
    j.add(120, 10); // D = 10
    expect(j.jitterMs).toBeCloseTo(10 / 16);
    j.add(125, 20); // transit 105 vs 110: D = 5
    expect(j.jitterMs).toBeCloseTo(10 / 16 + (5 - 10 / 16) / 16);
  });

  it('is zero for a constant delay, whatever the clock offset', () => {
    const j = new JitterMeter();
    for (let i = 0; i < 50; i++) j.add(1e9 + i * 10, i * 10);
    expect(j.jitterMs).toBe(0);
  });
});
