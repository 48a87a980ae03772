import { describe, expect, it } from 'vitest';
import { ThroughputBins } from './throughputBins';

describe('ThroughputBins', () => {
  it('counts packets and bytes into fixed bins from time zero', () => {
    const b = new ThroughputBins(100);
    b.add(0, 10);
    b.add(99.9, 20);
    b.add(100, 30);
    b.add(350, 40);
    expect(b.all()).toEqual({ binMs: 100, firstIndex: 0, packets: [2, 1, 0, 1], bytes: [30, 30, 0, 40] });
  });

  it('extends with empty bins up to now so that silence shows as zeros', () => {
    const b = new ThroughputBins(10);
    b.add(5, 1);
    b.advanceTo(42);
    expect(b.all().packets).toEqual([1, 0, 0, 0, 0]);
  });

  it('returns only changed bins, always including the bin still filling', () => {
    const b = new ThroughputBins(10);
    b.add(1, 1);
    b.add(15, 1);
    expect(b.takeChanges()).toEqual({ binMs: 10, firstIndex: 0, packets: [1, 1], bytes: [1, 1] });
    b.add(16, 2);
    b.advanceTo(35);
    expect(b.takeChanges()).toEqual({ binMs: 10, firstIndex: 1, packets: [2, 0, 0], bytes: [3, 0, 0] });
    expect(b.takeChanges()).toEqual({ binMs: 10, firstIndex: 3, packets: [0], bytes: [0] });
  });

  it('merges pairs and doubles the width past the bin limit, keeping every packet', () => {
    const b = new ThroughputBins(10, 4);
    for (const t of [0, 10, 20, 30, 45]) b.add(t, 100);
    const all = b.all();
    expect(all.binMs).toBe(20);
    expect(all.packets).toEqual([2, 2, 1]);
    expect(all.bytes).toEqual([200, 200, 100]);
    expect(b.takeChanges().firstIndex).toBe(0);
  });
});
