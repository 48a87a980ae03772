// A gap after which the device started again is "the device restarted", not loss: per format, through the monitor.
import { describe, expect, it } from 'vitest';
import { encodeGdl90Datagram } from '../decoders/gdl90Frame';
import { encodeMavlink } from '../decoders/mavlink';
import { encodeRtp } from '../decoders/rtp';
import { encodeSeq, writeSequenceField } from '../decoders/sequenceField';
import { parseFormat, type FormatChoice } from '../decoders/streamDecoder';
import { gapCause } from './gapCause';
import { ReceptionMonitor } from './receptionMonitor';

/** Feeds `before` datagrams 10 ms apart, a 500 ms silence, then `after`; returns the snapshot. */
function run(decode: FormatChoice, before: Uint8Array[], after: Uint8Array[]) {
  const m = new ReceptionMonitor({ binMs: 100, gapMs: 200, decode });
  let t = 0;
  for (const p of before) m.onPacket((t += 10), p, 'dev');
  t += 500;
  for (const p of after) m.onPacket((t += 10), p, 'dev');
  return m.snapshot(t + 10);
}
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

describe('the device restarted', () => {
  it('seq: the sequence goes back to 0 after the gap: one gap, "device restarted", nothing lost', () => {
    const s = run('seq', range(0, 200).map((i) => encodeSeq(i, 0)!), range(0, 100).map((i) => encodeSeq(i, 0)!));
    expect(s.gaps).toHaveLength(1);
    expect(s.gaps[0]).toMatchObject({ deviceRestart: 'sequence', lostPackets: 0 });
    expect(gapCause(s.gaps[0]!)).toMatchObject({ code: 'device-restarted', text: 'device restarted' });
    expect(gapCause(s.gaps[0]!).hint).toContain('its sequence number went back to its start');
    expect(s.loss).toMatchObject({ received: 300, expected: 300, lost: 0 });
    expect(s.loss!.notes.join(' ')).toContain('the sequence went back to its start 1 time');
  });
  it('a 32-bit counter read as a 64-bit sequence (4,294,967,295 "lost" per packet) is a jump of millions: a restart or a wrong format, never loss', () => {
    // The counter in the high 32 bits of what is read as a 64-bit big-endian field.
    const wrong = (i: number) => {
      const p = new Uint8Array(16);
      writeSequenceField(p, { offset: 0, width: 32, endian: 'be' }, i);
      return p;
    };
    const s = run(parseFormat('seq:0:64:be')!, range(1, 50).map(wrong), range(51, 50).map(wrong));
    expect(s.loss).toMatchObject({ received: 100, lost: 0 });
    expect(s.loss!.notes.join(' ')).toMatch(/jumped forward by a million or more in one step 99 times \(a restart, or a payload read in the wrong format/);
    expect(s.gaps).toHaveLength(1);
    expect(s.gaps[0]).toMatchObject({ deviceRestart: 'jump', lostPackets: 0 });
    expect(gapCause(s.gaps[0]!).hint).toContain('wrong format');
  });
  it('a real forward jump of a few hundred is still loss', () => {
    const s = run('seq', range(0, 200).map((i) => encodeSeq(i, 0)!), range(500, 100).map((i) => encodeSeq(i, 0)!));
    expect(s.gaps[0]).toMatchObject({ lostPackets: 300 });
    expect(s.gaps[0]!.deviceRestart).toBeUndefined();
    expect(gapCause(s.gaps[0]!).code).toBe('packets-lost');
  });
  it('RTP: a new SSRC after the gap', () => {
    const rtp = (ssrc: number) => (i: number) => encodeRtp({ sequence: (1000 + i) & 0xffff, timestamp: i * 160, ssrc, payloadType: 0 }, 172)!;
    const s = run('rtp', range(0, 100).map(rtp(0x1234abcd)), range(0, 50).map(rtp(0x0badf00d)));
    expect(s.gaps).toHaveLength(1);
    expect(s.gaps[0]).toMatchObject({ deviceRestart: 'ssrc', lostPackets: 0 });
    expect(s.loss!.notes.join(' ')).toContain('A new SSRC appeared 1 time(s)');
  });
  it('MAVLink: ATTITUDE\'s time_boot_ms goes back after the gap; the u8 sequence starts again with it', () => {
    const attitude = (seq: number, bootMs: number) => {
      const payload = new Uint8Array(28);
      new DataView(payload.buffer).setUint32(0, bootMs, true);
      return encodeMavlink({ version: 2, seq, sysid: 1, compid: 1, msgid: 30, payload });
    };
    const s = run('mavlink', range(0, 100).map((i) => attitude(i & 0xff, 600_000 + i * 10)), range(0, 50).map((i) => attitude((200 + i) & 0xff, 1500 + i * 10)));
    expect(s.gaps).toHaveLength(1);
    expect(s.gaps[0]).toMatchObject({ deviceRestart: 'boot-time', lostPackets: 0 });
    expect(s.loss).toMatchObject({ received: 150, lost: 0 });
    expect(gapCause(s.gaps[0]!).hint).toContain('time since boot went back');
  });
  it('GDL90: the ICD heartbeat (GPS valid, UAT initialized, UTC OK), then after the gap one that says the device is just up', () => {
    // The ICD's example heartbeat 00 81 41 DB D0 08 02, one a second.
    const hb = (status1: number, status2: number, sec: number) => encodeGdl90Datagram([Uint8Array.of(0x00, status1, (status2 & 0x7f) | ((sec >> 9) & 0x80), sec & 0xff, (sec >> 8) & 0xff, 0x08, 0x02)]);
    const s = run('gdl90', range(0, 20).map((i) => hb(0x81, 0x41, 0xd0db + i)), range(0, 5).map((i) => hb(0x00, 0x00, i)));
    expect(s.gaps).toHaveLength(1);
    expect(s.gaps[0]).toMatchObject({ deviceRestart: 'heartbeat', lostPackets: 0 });
    expect(gapCause(s.gaps[0]!).text).toBe('device restarted');
  });
});
