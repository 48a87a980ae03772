import { describe, expect, it } from 'vitest';
import { GapDetector, INITIAL_AUTO_GAP_MS, MIN_AUTO_GAP_MS } from './gapDetector';

describe('GapDetector with a fixed threshold', () => {
  it('reports a silence longer than the threshold with what arrived before it', () => {
    const d = new GapDetector(50);
    expect(d.onPacket(0, 100)).toBeNull();
    expect(d.onPacket(10, 100)).toBeNull();
    expect(d.onPacket(60, 100)).toBeNull(); // exactly 50 ms is not longer than the threshold
    expect(d.onPacket(200, 50)).toEqual({ startMs: 60, endMs: 200, durationMs: 140, packetsBefore: 3, bytesBefore: 300, cause: 'unexplained', lostPackets: null });
    expect(d.onPacket(210, 50)).toBeNull();
    expect(d.onPacket(400, 50)).toEqual({ startMs: 210, endMs: 400, durationMs: 190, packetsBefore: 2, bytesBefore: 100, cause: 'unexplained', lostPackets: null });
  });

  it('reports the silence going on now once it passes the threshold', () => {
    const d = new GapDetector(50);
    expect(d.openGap(1000)).toBeNull();
    d.onPacket(100, 1);
    expect(d.openGap(140)).toBeNull();
    expect(d.openGap(175)).toEqual({ startMs: 100, durationMs: 75 });
  });
});

describe('GapDetector with an automatic threshold', () => {
  it('starts cautious, then learns 8 × the 90th percentile with a floor', () => {
    const d = new GapDetector();
    expect(d.automatic).toBe(true);
    expect(d.thresholdMs).toBe(INITIAL_AUTO_GAP_MS);
    let t = 0;
    for (let i = 0; i <= 32; i++) d.onPacket((t = i * 20), 1); // 20 ms cadence
    expect(d.thresholdMs).toBe(160);
    expect(d.onPacket(t + 150, 1)).toBeNull();
    expect(d.onPacket(t + 150 + 161, 1)?.durationMs).toBe(161);
  });

  it('never goes below the floor for fast streams', () => {
    const d = new GapDetector();
    for (let i = 0; i <= 40; i++) d.onPacket(i, 1); // 1 ms cadence
    expect(d.thresholdMs).toBe(MIN_AUTO_GAP_MS);
  });
});
