import { describe, expect, it } from 'vitest';
import { ThroughputBins } from './throughputBins';

describe('ThroughputBins', () => {
  it('counts packets and bytes into fixed bins from time zero', () => {
    const b = new ThroughputBins(100);
    b.add(0, 10);
    b.add(99.9, 20);
    b.add(100, 30);
    b.add(350, 40);
    expect(b.all()).toEqual({ binMs: 100, firstIndex: 0, packets: [2, 1, 0, 1], bytes: [30, 30, 0, 40], lost: [0, 0, 0, 0] });
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
    expect(b.takeChanges()).toEqual({ binMs: 10, firstIndex: 0, packets: [1, 1], bytes: [1, 1], lost: [0, 0] });
    b.add(16, 2);
    b.advanceTo(35);
    expect(b.takeChanges()).toEqual({ binMs: 10, firstIndex: 1, packets: [2, 0, 0], bytes: [3, 0, 0], lost: [0, 0, 0] });
    expect(b.takeChanges()).toEqual({ binMs: 10, firstIndex: 3, packets: [0], bytes: [0], lost: [0] });
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

  it('counts lost packets per bin and merges them with the bins', () => {
    const b = new ThroughputBins(10, 4);
    b.add(1, 10);
    b.add(12, 10, 5);
    b.add(15, 10, 2);
    expect(b.all().lost).toEqual([0, 7]);
    b.add(45, 10, 1);
    expect(b.all()).toMatchObject({ binMs: 20, packets: [3, 0, 1], lost: [7, 0, 1] });
  });
});
