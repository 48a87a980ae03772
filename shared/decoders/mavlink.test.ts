import { describe, expect, it } from 'vitest';
import { MavlinkStreamDecoder, decodeMavlink, decodeMavlinkFrame, describeMavlink, encodeMavlink } from './mavlink';
import { PacketFlags } from './types';

function hex(s: string): Uint8Array {
  return Uint8Array.from(s.replace(/ /g, '').match(/../g)!.map((h) => parseInt(h, 16)));
}

// A v2 HEARTBEAT as a Pixhawk 6C sent it over USB (hex dump published in a bench-test log on GitHub):
// len 9, seq 0xEF, sys 1, comp 1, msgid 0, CRC bytes 73 89.
const PIXHAWK_HEARTBEAT = hex('fd 09 00 00 ef 01 01 00 00 00 00 00 00 00 02 03 51 03 03 73 89');

describe('decodeMavlinkFrame', () => {
  it('accepts a real Pixhawk HEARTBEAT: CRC with CRC_EXTRA 50 matches', () => {
    expect(decodeMavlinkFrame(PIXHAWK_HEARTBEAT)).toMatchObject({
      version: 2, length: 9, seq: 0xef, sysid: 1, compid: 1, msgid: 0, crc: 0x8973, crcState: 'ok', frameLength: 21,
    });
  });

  it('flags a corrupted frame', () => {
    const bad = PIXHAWK_HEARTBEAT.slice();
    bad[16] = bad[16]! ^ 1;
    expect(decodeMavlinkFrame(bad)?.crcState).toBe('bad');
  });

  it('round-trips v1 and v2 frames of the checked messages', () => {
    for (const msgid of [0, 1, 24, 30, 33]) {
      for (const version of [1, 2] as const) {
        const payload = Uint8Array.from({ length: 28 }, (_, i) => (i * 7 + msgid) & 0xff);
        const frame = encodeMavlink({ version, seq: 200, sysid: 42, compid: 190, msgid, payload });
        expect(decodeMavlinkFrame(frame)).toMatchObject({ version, seq: 200, sysid: 42, compid: 190, msgid, length: 28, crcState: 'ok' });
      }
    }
  });

  it("reports other message ids as 'not checked' and reads 24-bit v2 ids", () => {
    const f = encodeMavlink({ version: 2, seq: 1, sysid: 1, compid: 1, msgid: 0x012345, payload: new Uint8Array(3) });
    expect(decodeMavlinkFrame(f)).toMatchObject({ msgid: 0x012345, crcState: 'not checked' });
  });

  it('accounts for the 13-byte signature of signed v2 frames', () => {
    const f = encodeMavlink({ version: 2, seq: 1, sysid: 1, compid: 1, msgid: 0, payload: new Uint8Array(9) });
    const signed = new Uint8Array(f.length + 13);
    signed.set(f);
    signed[2] = 0x01; // the CRC covers incompat_flags, so it no longer matches: only lengths are tested here
    expect(decodeMavlinkFrame(signed)).toMatchObject({ signed: true, frameLength: f.length + 13 });
    expect(decodeMavlinkFrame(signed.subarray(0, signed.length - 1))).toBeNull();
  });

  it('returns null for truncated frames, huge stated lengths and other start bytes', () => {
    expect(decodeMavlinkFrame(PIXHAWK_HEARTBEAT.subarray(0, 20))).toBeNull();
    expect(decodeMavlinkFrame(Uint8Array.of(0xfe, 255, 0, 0, 0, 0, 1, 2))).toBeNull();
    expect(decodeMavlinkFrame(Uint8Array.of(0x55, 0))).toBeNull();
    expect(decodeMavlinkFrame(new Uint8Array(0))).toBeNull();
  });
});

describe('MavlinkStreamDecoder', () => {
  const hb = (seq: number, sysid = 1, compid = 1) => encodeMavlink({ version: 2, seq, sysid, compid, msgid: 0, payload: new Uint8Array(9) });

  it('counts the u8 sequence per (system, component), across the wrap', () => {
    const dec = new MavlinkStreamDecoder();
    for (const s of [250, 251, 252, 254, 255, 0, 1]) dec.onPayload(hb(s), 0);
    for (const s of [7, 8, 9]) dec.onPayload(hb(s, 1, 190), 0);
    expect(dec.stats()).toMatchObject({ received: 10, expected: 8 + 3, lost: 1, crcErrors: 0 });
  });

  it('counts several frames in one datagram and skips frames that fail the CRC', () => {
    const dec = new MavlinkStreamDecoder();
    const two = new Uint8Array([...hb(1), ...hb(2)]);
    dec.onPayload(two, 0);
    const bad = hb(3);
    bad[12] = bad[12]! ^ 0xff;
    expect(dec.onPayload(bad, 0).flags & PacketFlags.crcError).toBeTruthy();
    const v = dec.onPayload(hb(5), 0);
    expect(v).toMatchObject({ sequence: 5, skipped: 2 });
    expect(dec.stats()).toMatchObject({ received: 3, expected: 5, crcErrors: 1 });
  });

  it('flags bytes that are not a frame', () => {
    const dec = new MavlinkStreamDecoder();
    expect(dec.onPayload(new Uint8Array([...hb(1), 0x00, 0x01]), 0).flags & PacketFlags.malformed).toBeTruthy();
    expect(decodeMavlink(new Uint8Array([...hb(1), 0x00])).trailing).toBe(1);
  });

  it('describes frames', () => {
    expect(describeMavlink(PIXHAWK_HEARTBEAT)).toBe('MAVLink v2 HEARTBEAT sys 1 comp 1 seq 239, CRC ok');
    expect(new MavlinkStreamDecoder().describe(Uint8Array.of(1, 2))).toMatch(/not MAVLink/);
  });
});
