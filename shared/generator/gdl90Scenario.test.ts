import { describe, expect, it } from 'vitest';
import { Gdl90StreamDecoder } from '../decoders/gdl90';
import { FrameStatus, splitGdl90 } from '../decoders/gdl90Frame';
import { Gdl90Id, decodeForeFlightAhrs, decodeHeartbeat, decodeReport } from '../decoders/gdl90Messages';
import { Gdl90Scenario } from './gdl90Scenario';

const start = Date.UTC(2026, 10, 24, 12, 0, 0);

function run(seconds: number, stepMs: number, traffic = 3) {
  const sc = new Gdl90Scenario({ startUtcMs: start, traffic });
  const datagrams: { at: number; bytes: Uint8Array }[] = [];
  // Everything due before `seconds` have passed: seconds 0..seconds-1.
  const end = seconds * 1000 - 1;
  for (let t = 0; t < end; t += stepMs) for (const d of sc.due(t)) datagrams.push({ at: t, bytes: d });
  for (const d of sc.due(end)) datagrams.push({ at: end, bytes: d });
  return datagrams;
}

function messages(datagrams: { bytes: Uint8Array }[]) {
  return datagrams.map((d) => {
    const { frames, junk } = splitGdl90(d.bytes);
    expect(junk).toBe(0);
    expect(frames).toHaveLength(1);
    expect(frames[0]!.status).toBe(FrameStatus.ok);
    return frames[0]!.message;
  });
}

describe('Gdl90Scenario', () => {
  it('sends 1 Hz heartbeat, ID, ownship, geometric altitude and traffic, and 5 Hz AHRS, all with valid CRCs', () => {
    const msgs = messages(run(10, 7));
    const count = (id: number, sub?: number) => msgs.filter((m) => m[0] === id && (sub === undefined || m[1] === sub)).length;
    expect(count(Gdl90Id.heartbeat)).toBe(10);
    expect(count(Gdl90Id.ownship)).toBe(10);
    expect(count(Gdl90Id.ownshipGeometricAltitude)).toBe(10);
    expect(count(Gdl90Id.traffic)).toBe(30);
    expect(count(Gdl90Id.foreFlight, 0)).toBe(10);
    expect(count(Gdl90Id.foreFlight, 1)).toBe(50);
  });

  it('gives the same datagrams whatever the polling step', () => {
    const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    const a = run(5, 1).map((d) => hex(d.bytes));
    const b = run(5, 333).map((d) => hex(d.bytes));
    expect(b).toEqual(a);
  });

  it('counts UTC seconds in the heartbeat and moves the ownship and the traffic', () => {
    const msgs = messages(run(3, 50));
    const beats = msgs.filter((m) => m[0] === Gdl90Id.heartbeat).map((m) => decodeHeartbeat(m)!);
    expect(beats.map((h) => h.secondsSinceMidnight)).toEqual([43200, 43201, 43202]);
    expect(beats.every((h) => h.gpsPositionValid && h.utcOk)).toBe(true);
    const own = msgs.filter((m) => m[0] === Gdl90Id.ownship).map((m) => decodeReport(m)!);
    expect(own[2]!.longitude).toBeGreaterThan(own[0]!.longitude);
    expect(own[0]!.callsign).toBe('GAPSCOPE');
    const traffic = msgs.filter((m) => m[0] === Gdl90Id.traffic).map((m) => decodeReport(m)!);
    expect(new Set(traffic.map((r) => r.callsign))).toEqual(new Set(['N172SP', 'N525GS', 'DAL1207']));
    const firstTarget = traffic.filter((r) => r.address === 0xabc000);
    expect(firstTarget[1]!.latitude).not.toBe(firstTarget[0]!.latitude);
    const ahrs = msgs.filter((m) => m[0] === Gdl90Id.foreFlight && m[1] === 1).map((m) => decodeForeFlightAhrs(m)!);
    expect(ahrs.every((a) => a.headingDeg !== null && Math.abs(a.rollDeg!) <= 8)).toBe(true);
  });

  it('is decoded by Gapscope\u2019s own GDL90 decoder with no CRC error and no loss', () => {
    const dec = new Gdl90StreamDecoder();
    for (const d of run(20, 10)) dec.onPayload(d.bytes, d.at);
    const s = dec.stats();
    expect(s.crcErrors).toBe(0);
    expect(s.received).toBe(20); // heartbeats: GDL90's only clock
    expect(s.lost).toBe(0);
    expect(s.notes.join(' ')).not.toMatch(/failed the CRC|badly framed|not counted|held no/);
    expect(s.notes.join(' ')).toMatch(/Heartbeat 20, Ownship 20, Ownship Geometric Altitude 20, Traffic 60, ForeFlight ID 20, ForeFlight AHRS 100\./);
  });
});
