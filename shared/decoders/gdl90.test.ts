import { describe, expect, it } from 'vitest';
import { Gdl90StreamDecoder, HeartbeatLossEstimator, describeGdl90 } from './gdl90';
import { FrameStatus, encodeGdl90Frame, joinGdl90Frames, splitGdl90 } from './gdl90Frame';
import { Gdl90Id, decodeForeFlightId, encodeForeFlightAhrs, encodeGeometricAltitude, encodeHeartbeat, encodeReport } from './gdl90Messages';
import { readFixture } from './fixtures/readFixture.mjs';
import { PacketFlags } from './types';

const SKYECHO = readFixture('skyecho-foreflight-id-0x65.frame.bin');

describe('the real SkyEcho ForeFlight ID frame', () => {
  it('passes the GDL90 CRC (2D F0) and decodes', () => {
    const { frames, junk } = splitGdl90(SKYECHO);
    expect(junk).toBe(0);
    expect(frames).toHaveLength(1);
    expect(frames[0]!.status).toBe(FrameStatus.ok);
    expect(decodeForeFlightId(frames[0]!.message)).toEqual({
      version: 1,
      serial: 0x270fae2d, // 655339053: what the bytes hold (see fixtures/SOURCES.md)
      serialHex: '00000000270fae2d',
      name: 'SkyEcho',
      longName: 'SkyEcho',
      capabilities: 0,
    });
  });

  it('is re-encoded byte for byte', () => {
    expect([...encodeGdl90Frame(splitGdl90(SKYECHO).frames[0]!.message)]).toEqual([...SKYECHO]);
  });

  it('is described for the inspector', () => {
    expect(describeGdl90(SKYECHO)).toBe('GDL90 ForeFlight ID: SkyEcho ("SkyEcho"), serial 655339053, capabilities 0x00000000 (geometric altitude datum WGS-84 ellipsoid)');
  });
});

describe('HeartbeatLossEstimator', () => {
  it('counts a missing second as a missing heartbeat, across midnight', () => {
    const h = new HeartbeatLossEstimator();
    let t = 0;
    for (const s of [86_397, 86_398, 0, 1, 3]) h.add(s, (t += s === 0 || s === 3 ? 2000 : 1000));
    expect({ received: h.received, expected: h.expected, lost: h.lost }).toEqual({ received: 5, expected: 7, lost: 2 });
  });

  it('does not count a clock that jumps ahead of the time that passed', () => {
    const h = new HeartbeatLossEstimator();
    h.add(100, 0);
    h.add(101, 1000);
    expect(h.add(5000, 2000)).toBe(0);
    expect(h.add(5001, 3000)).toBe(0);
    expect(h.lost).toBe(0);
    expect(h.resyncs).toBe(1);
  });

  it('takes back a skipped second when the next heartbeat repeats one (sender ticking near a second boundary)', () => {
    const h = new HeartbeatLossEstimator();
    for (const [s, t] of [[10, 0], [12, 1000], [12, 2000], [13, 3000]] as const) h.add(s, t);
    expect(h.lost).toBe(0);
  });

  it('falls back on arrival times when the timestamp is stuck', () => {
    const h = new HeartbeatLossEstimator();
    for (const t of [0, 1000, 2000, 3000, 4000, 7000]) h.add(0, t);
    expect(h.byArrival).toBe(true);
    expect(h.lost).toBe(2); // 7000 after 4000: two heartbeats missing
  });

  it('treats an older timestamp as late, not as a wrap, and lets it fill its second', () => {
    const h = new HeartbeatLossEstimator();
    h.add(500, 0);
    h.add(502, 2000);
    h.add(501, 2010);
    expect({ lost: h.lost, late: h.late }).toEqual({ lost: 0, late: 1 });
    h.add(501, 2020); // and a second copy of it fills nothing
    expect({ lost: h.lost, late: h.late, duplicates: h.duplicates }).toEqual({ lost: 0, late: 1, duplicates: 1 });
  });

  it('counts every heartbeat received twice as no loss, and the seconds missing under the duplicates as loss', () => {
    // Constructed: no public GDL90 capture with duplicated datagrams was found.
    const h = new HeartbeatLossEstimator();
    for (let s = 1000; s < 1100; s++) {
      if (s === 1020 || s === 1050 || s === 1051) continue;
      const t = (s - 1000) * 1000;
      h.add(s, t);
      h.add(s, t + 0.2);
    }
    expect({ expected: h.expected, lost: h.lost, duplicates: h.duplicates, repeats: h.repeats }).toEqual({ expected: 100, lost: 3, duplicates: 97, repeats: 0 });
  });
});

describe('Gdl90StreamDecoder', () => {
  const second = (s: number) =>
    joinGdl90Frames([
      encodeGdl90Frame(encodeHeartbeat({ gpsPositionValid: true, uatInitialized: true, utcOk: true, secondsSinceMidnight: s })),
      encodeGdl90Frame(encodeReport(Gdl90Id.ownship, { latitude: 47, longitude: -122, altitudeFt: 3000 })),
      encodeGdl90Frame(encodeGeometricAltitude({ altitudeFt: 3100, vfomM: 10 })),
    ]);

  it('counts frames per datagram and heartbeats per second', () => {
    const dec = new Gdl90StreamDecoder();
    let t = 0;
    for (const s of [100, 101, 102, 105, 106]) {
      const v = dec.onPayload(second(s), (t = (s - 100) * 1000));
      if (s === 105) expect(v).toMatchObject({ sequence: 105, skipped: 2, kind: 'GDL90 Heartbeat' });
    }
    dec.onPayload(encodeGdl90Frame(encodeForeFlightAhrs({ rollDeg: 1 })), t + 200);
    dec.onPayload(SKYECHO, t + 300);
    const s = dec.stats();
    expect(s).toMatchObject({ format: 'gdl90', received: 5, expected: 7, lost: 2, crcErrors: 0 });
    expect(s.notes.join(' ')).toMatch(/17 frames with a good CRC: Heartbeat 5, Ownship 5, Ownship Geometric Altitude 5, ForeFlight ID 1, ForeFlight AHRS 1/);
  });

  it('flags CRC errors and framing errors without counting those frames', () => {
    const dec = new Gdl90StreamDecoder();
    const bad = SKYECHO.slice();
    bad[20] = bad[20]! ^ 0x01;
    expect(dec.onPayload(bad, 0).flags & PacketFlags.crcError).toBeTruthy();
    expect(dec.onPayload(Uint8Array.of(0x7e, 0x65, 0x7d, 0x7e), 0).flags & PacketFlags.framingError).toBeTruthy();
    expect(dec.onPayload(Uint8Array.of(1, 2, 3), 0).flags & PacketFlags.malformed).toBeTruthy();
    expect(dec.stats()).toMatchObject({ received: 0, expected: null, lost: null, crcErrors: 1 });
  });

  it('describes every frame of a datagram', () => {
    expect(new Gdl90StreamDecoder().describe(second(45_296))).toMatch(/^GDL90 Heartbeat: GPS valid, UAT initialized, UTC OK, UTC 12:34:56.*; GDL90 Ownship .*; GDL90 Ownship Geometric Altitude: 3100 ft, VFOM 10 m$/);
  });
});

describe('a frame that lost its leading 0x00', () => {
  it('passes the CRC (which starts at 0) and is not taken for a heartbeat', () => {
    // 7E 00 7E 81 41 DB D0 08 02 B3 8B 7E: a flag dropped in after the heartbeat id.
    const p = Uint8Array.of(0x7e, 0x00, 0x7e, 0x81, 0x41, 0xdb, 0xd0, 0x08, 0x02, 0xb3, 0x8b, 0x7e);
    expect(splitGdl90(p).frames.map((f) => f.status)).toEqual([FrameStatus.tooShort, FrameStatus.ok]);
    const dec = new Gdl90StreamDecoder();
    dec.onPayload(p, 0);
    expect(dec.stats().received).toBe(0);
    expect(dec.stats().notes.join(' ')).toMatch(/\(unknown id\) 1/);
  });
});

describe('the ICD length check', () => {
  it('does not count a frame whose CRC passes but whose length is wrong for its id', () => {
    const dec = new Gdl90StreamDecoder();
    // A heartbeat id with 5 bytes: CRC made for it, so only the length can tell.
    const v = dec.onPayload(encodeGdl90Frame(Uint8Array.of(0x00, 0x81, 0x41, 0xdb, 0xd0)), 0);
    expect(v.flags & PacketFlags.framingError).toBeTruthy();
    expect(dec.stats().received).toBe(0);
    expect(dec.stats().notes.join(' ')).toMatch(/not the ICD length/);
  });
});
