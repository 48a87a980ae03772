import { describe, expect, it } from 'vitest';
import { addressBytes, commentOptions, concatBytes, enhancedPacketBlock, interfaceDescriptionBlock, MAX_OPTION_BYTES, rawUdpPacket, sectionHeaderBlock, timestampHalves } from './write';
import { PacketRecorder } from './writeStream';
import { BlockScanner } from './writeRecovery';


/** The RFC 1071 sum over 16-bit words, as a verifier would compute it. */
function onesSum(bytes: number[]): number {
  let s = 0;
  for (let i = 0; i < bytes.length; i += 2) s += (bytes[i]! << 8) | (bytes[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

function scan(bytes: Uint8Array, chunk = 7) {
  const s = new BlockScanner();
  for (let i = 0; i < bytes.length; i += chunk) s.push(bytes.subarray(i, i + chunk));
  return s.result();
}

const v4a = { address: addressBytes('10.71.0.1')!, port: 40000 };
const v4b = { address: addressBytes('10.71.0.2')!, port: 5000 };

describe('pcapng writer', () => {
  it('frames every block with equal leading and trailing lengths, multiples of 4', () => {
    const file = concatBytes([
      sectionHeaderBlock({ userAppl: 'Gapscope 0.1.0', comment: 'é' }),
      interfaceDescriptionBlock({ name: 'a', description: 'UDP 10.71.0.2:5000', tsresol: 6 }),
      enhancedPacketBlock(0, 1000, 6, Uint8Array.of(1, 2, 3), 'x'),
    ]);
    const s = scan(file);
    expect(s).toMatchObject({ wholeBytes: file.length, sections: 1, interfaces: 1, packets: 1, damage: null });
  });

  it('rebuilds an IPv4 header whose checksum verifies and a UDP length that matches', () => {
    const p = Array.from(rawUdpPacket(v4a, v4b, Uint8Array.of(9, 8, 7)));
    expect(p.length).toBe(31);
    expect(onesSum(p.slice(0, 20))).toBe(0xffff);
    expect((p[2]! << 8) | p[3]!).toBe(31);
    expect(p.slice(20, 26)).toEqual([0x9c, 0x40, 0x13, 0x88, 0, 11]);
    expect(p.slice(26, 28)).toEqual([0, 0]); // no UDP checksum: legal for IPv4
  });

  it('computes the UDP checksum over the IPv6 pseudo-header', () => {
    const src = { address: addressBytes('fe80::1%vins')!, port: 40001 };
    const dst = { address: addressBytes('ff15::71')!, port: 5001 };
    for (const size of [0, 1, 2, 1201]) {
      const p = Array.from(rawUdpPacket(src, dst, new Uint8Array(size).fill(0xab)));
      const udpLen = 8 + size;
      const pseudo = [...p.slice(8, 40), 0, 0, udpLen >> 8, udpLen & 0xff, 0, 0, 0, 17];
      // Sum of pseudo-header and UDP (checksum included) is all ones when the checksum is right.
      const total = onesSum([...pseudo, ...p.slice(40)]);
      expect(total).toBe(0xffff);
      expect((p[4]! << 8) | p[5]!).toBe(udpLen);
    }
  });

  it('writes an IPv4 sender seen through a dual-stack socket as IPv4', () => {
    expect(Array.from(addressBytes('::ffff:10.71.0.1')!)).toEqual([10, 71, 0, 1]);
    expect(addressBytes('not an address')).toBeNull();
  });

  it('splits long comments into options that fit, never inside a character', () => {
    const text = 'é'.repeat(MAX_OPTION_BYTES); // 2 bytes each
    const opts = commentOptions(text);
    expect(opts.length).toBe(2);
    for (const o of opts) {
      expect(o.value.length).toBeLessThanOrEqual(MAX_OPTION_BYTES);
      expect(o.value[0]).toBe(0xc3);
    }
    expect(opts.reduce((n, o) => n + o.value.length, 0)).toBe(2 * MAX_OPTION_BYTES);
  });

  it('turns ms since the epoch into 64-bit µs and ns counts', () => {
    expect(timestampHalves(1.5, 6)).toEqual([0, 1500]);
    const [hi, lo] = timestampHalves(1795521600000.125, 9);
    expect(BigInt(hi) * 2n ** 32n + BigInt(lo)).toBe(1795521600000125000n);
    expect(() => timestampHalves(-1, 6)).toThrow(RangeError);
  });
});

describe('PacketRecorder', () => {
  const dest = { destination: v4b, interfaceId: 0, tsresol: 6 as const };

  it('holds the latest packet until the next shows whether a gap starts after it', () => {
    const r = new PacketRecorder({ ...dest, gapMs: 100 });
    r.onPacket(1000, 0, new Uint8Array(10), '10.71.0.1', 1);
    r.flush(50);
    expect(r.takeReady()).toEqual([]);
    r.onPacket(1010, 10, new Uint8Array(10), '10.71.0.1', 1);
    r.flush(60);
    expect(scan(concatBytes([sectionHeaderBlock({}), ...r.takeReady()])).packets).toBe(1);
    // Silence past the threshold: the held packet is written, marked as the start of a gap.
    r.flush(200);
    expect(r.counts.packets).toBe(2);
  });

  it('keeps memory bounded when the disk falls behind: packets are counted as not recorded', () => {
    const r = new PacketRecorder({ ...dest, chunkBytes: 4096, maxChunks: 2 });
    for (let i = 0; i < 100; i++) r.onPacket(1000 + i, i, new Uint8Array(1000), '10.71.0.1', 1);
    // 2 chunks of 4096 hold 3 blocks of 1060 bytes each.
    expect(r.counts.packets).toBe(6);
    expect(r.counts.notRecorded).toBe(99 - 6);
    const chunks = r.takeReady();
    for (const c of chunks) r.release(c);
    r.onPacket(2000, 200, new Uint8Array(1000), '10.71.0.1', 1);
    expect(r.counts.packets).toBe(7);
  });

  it('counts a datagram from an address it cannot parse as not recorded', () => {
    const r = new PacketRecorder(dest);
    r.onPacket(1, 0, new Uint8Array(1), 'garbage', 1);
    expect(r.counts.notRecorded).toBe(1);
  });
});

describe('BlockScanner', () => {
  it('finds the end of the last whole block of a file cut anywhere', () => {
    const r = new PacketRecorder({ destination: v4b, interfaceId: 0, tsresol: 6 });
    for (let i = 0; i < 20; i++) r.onPacket(1000 + i, i, new Uint8Array(33 + i), '10.71.0.1', 1);
    r.flush(1e6, true);
    const file = concatBytes([sectionHeaderBlock({ userAppl: 'x' }), interfaceDescriptionBlock({ name: 'a', tsresol: 6 }), ...r.takeReady()]);
    const whole = scan(file);
    expect(whole).toMatchObject({ packets: 20, packetsByInterface: [20], damage: null });
    for (const cut of [5, 40, 100, file.length - 1, file.length - 4]) {
      const s = scan(file.subarray(0, cut), 3);
      expect(s.wholeBytes).toBeLessThanOrEqual(cut);
      if (s.wholeBytes < cut) expect(s.damage).toMatch(/incomplete block/);
      else expect(s.damage).toBeNull();
      // Whatever remains whole reads as whole.
      expect(scan(file.subarray(0, s.wholeBytes)).damage).toBeNull();
    }
  });

  it('stops at garbage instead of reading it as blocks', () => {
    const bad = concatBytes([sectionHeaderBlock({}), Uint8Array.of(6, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0)]);
    expect(scan(bad).damage).toMatch(/impossible length/);
  });
});
