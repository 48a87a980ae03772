// The Wi-Fi's rhythm against synthetic gap series, through the same periodicity the report uses.
import { describe, expect, it } from 'vitest';
import { findPeriodicity } from './periodicity';
import type { Gap } from './types';
import { gapsStoppedWithPowerSave, wifiRhythm, wifiVerdict } from './wifiRhythm';

/** Gaps every `everyMs` (with +-jitter), each `durationMs` long, after 1 KB of data. */
function series(everyMs: number, durationMs: number, n = 12, jitterMs = 0): Gap[] {
  return Array.from({ length: n }, (_, i) => {
    const startMs = 1000 + i * everyMs + (i % 2 ? jitterMs : -jitterMs);
    return { startMs, endMs: startMs + durationMs, durationMs, packetsBefore: 10 + (i % 3) * 7, bytesBefore: 1000 + (i % 3) * 700, cause: 'unexplained', lostPackets: null };
  });
}

describe('wifiRhythm', () => {
  it('names the DTIM interval when the gaps recur with it (DTIM 3 x 100 TU = 307.2 ms)', () => {
    const r = wifiRhythm(findPeriodicity(series(307.2, 120, 12, 6)), { beaconIntervalTu: 100, dtimPeriod: 3, powerSave: true });
    expect(r).toMatchObject({ kind: 'dtim', multiple: 1 });
    expect(r.dtimMs).toBeCloseTo(307.2);
    expect(r.summary).toContain('DTIM period 3 \u00d7 beacon interval 100 TU');
    expect(r.summary).toContain('set power_save off');
  });

  it('takes a small multiple of it (missed beacons), and the beacon interval alone', () => {
    expect(wifiRhythm(findPeriodicity(series(614, 150)), { beaconIntervalTu: 100, dtimPeriod: 3 })).toMatchObject({ kind: 'dtim', multiple: 2 });
    expect(wifiRhythm(findPeriodicity(series(204.8, 60)), { beaconIntervalTu: 100, dtimPeriod: 3 })).toMatchObject({ kind: 'beacon', multiple: 2 });
  });

  it('says when the period is not the Wi-Fi\u2019s, and when it cannot tell', () => {
    const off = wifiRhythm(findPeriodicity(series(1000, 300)), { beaconIntervalTu: 100, dtimPeriod: 1 });
    expect(off.kind).toBe('none');
    expect(off.summary).toContain('look elsewhere');
    expect(wifiRhythm(findPeriodicity(series(307.2, 120, 2)), { beaconIntervalTu: 100, dtimPeriod: 3 }).kind).toBe('unknown');
    expect(wifiRhythm(findPeriodicity(series(307.2, 120)), { beaconIntervalTu: null, dtimPeriod: 3 }).kind).toBe('unknown');
    // A DTIM period not known yet (iw prints 0): only the beacon interval is compared.
    expect(wifiRhythm(findPeriodicity(series(307.2, 120)), { beaconIntervalTu: 100, dtimPeriod: null })).toMatchObject({ kind: 'beacon', multiple: 3 });
  });
});

describe('wifiVerdict', () => {
  const link = { iface: 'wlan0', beaconIntervalTu: 100, dtimPeriod: 3, powerSave: true };
  it('names the interface and the numbers when the gaps keep the DTIM interval', () => {
    const gaps = series(307.2, 120, 12, 6);
    const v = wifiVerdict(findPeriodicity(gaps), gaps, link, 10_000);
    expect(v.kind).toBe('dtim');
    expect(v.summary).toMatch(/^Wi-Fi wlan0: The gaps recur every .*DTIM period 3 \u00d7 beacon interval 100 TU = 307 ms.*Power save is on: turn it off \(Linux: iw dev wlan0 set power_save off\)/);
  });
  it('says the gaps stopped when power save was turned off, with the counts', () => {
    const gaps = series(307.2, 120, 12, 6);
    const offAt = gaps[gaps.length - 1]!.startMs + 200;
    const v = wifiVerdict(findPeriodicity(gaps), gaps, { ...link, powerSave: false, powerSaveChanges: [{ atMs: offAt, on: false }] }, offAt + 5000);
    expect(v.kind).toBe('power-save-off');
    expect(v.summary).toContain('12 gaps in the');
    expect(v.summary).toContain('none in the 5.00 s since');
  });
  it('does not say they stopped while the quiet is shorter than three of their spacings, nor when power save went on again', () => {
    const starts = series(1000, 100, 6);
    const offAt = starts[5]!.startMs + 100;
    expect(gapsStoppedWithPowerSave(starts, [{ atMs: offAt, on: false }], offAt + 2000)).toBeNull();
    expect(gapsStoppedWithPowerSave(starts, [{ atMs: offAt, on: false }], offAt + 3000)).not.toBeNull();
    expect(gapsStoppedWithPowerSave(starts, [{ atMs: offAt, on: false }, { atMs: offAt + 1, on: true }], offAt + 9000)).toBeNull();
    expect(gapsStoppedWithPowerSave([...starts, { startMs: offAt + 500 }], [{ atMs: offAt, on: false }], offAt + 9000)).toBeNull();
  });
  it('a link whose tools say no beacon interval gives their note, not a guess', () => {
    const gaps = series(307.2, 120);
    const v = wifiVerdict(findPeriodicity(gaps), [], { iface: 'en0', beaconIntervalTu: null, dtimPeriod: null, powerSave: null, note: 'macOS does not show it.' }, 0);
    expect(v).toEqual({ kind: 'unknown', summary: 'Wi-Fi en0: macOS does not show it.' });
  });
});
