import { describe, expect, it } from 'vitest';
import { MAX_POINTER_HOPS, checkMdnsPacket } from './packetGuard';

const hdr = (qd: number, an: number): number[] => [0, 0, 0x84, 0, 0, qd, 0, an, 0, 0, 0, 0];

describe('checkMdnsPacket', () => {
  it('accepts a response with compressed names in PTR and SRV data', () => {
    // Question "_x._tcp.local"; a PTR to "a" + pointer; an SRV whose target points back.
    const q = [2, 0x5f, 0x78, 4, 0x5f, 0x74, 0x63, 0x70, 5, 0x6c, 0x6f, 0x63, 0x61, 0x6c, 0, 0, 12, 0, 1];
    const ptr = [0xc0, 12, 0, 12, 0, 1, 0, 0, 0, 10, 0, 4, 1, 0x61, 0xc0, 12];
    const srv = [0xc0, 12, 0, 33, 0, 1, 0, 0, 0, 10, 0, 8, 0, 0, 0, 0, 0, 80, 0xc0, 12];
    expect(checkMdnsPacket(Uint8Array.from([...hdr(1, 2), ...q, ...ptr, ...srv]))).toBeNull();
  });

  it('refuses forward pointers, self pointers and chains longer than the hop limit', () => {
    expect(checkMdnsPacket(Uint8Array.from([...hdr(1, 0), 0xc0, 12, 0, 1, 0, 1]))).toBe('compression-loop');
    expect(checkMdnsPacket(Uint8Array.from([...hdr(1, 0), 0xc0, 14, 0, 0, 1, 0, 1]))).toBe('compression-loop');
  });

  it('follows up to MAX_POINTER_HOPS pointers per name, no more', () => {
    // Question "a" at 12; a NULL record whose data is a chain of pointers, each to the one before
    // (the first to "a"); an A record named by the last pointer: chain length + 1 hops.
    const packet = (chainLength: number): Uint8Array => {
      const q = [1, 0x61, 0, 0, 1, 0, 1];
      const chainStart = 12 + q.length + 2 + 10;
      const chain: number[] = [];
      for (let k = 0; k < chainLength; k++) chain.push(0xc0, k === 0 ? 12 : chainStart + (k - 1) * 2);
      const nul = [0xc0, 12, 0, 10, 0, 1, 0, 0, 0, 10, 0, chain.length, ...chain];
      const a = [0xc0, chainStart + (chainLength - 1) * 2, 0, 1, 0, 1, 0, 0, 0, 10, 0, 4, 10, 0, 0, 1];
      return Uint8Array.from([...hdr(1, 2), ...q, ...nul, ...a]);
    };
    expect(checkMdnsPacket(packet(MAX_POINTER_HOPS - 1))).toBeNull();
    expect(checkMdnsPacket(packet(MAX_POINTER_HOPS))).toBe('compression-loop');
  });

  it('refuses bad labels, names over 255 bytes, truncation and impossible counts', () => {
    expect(checkMdnsPacket(Uint8Array.from([...hdr(1, 0), 0x80, 0, 0, 1, 0, 1]))).toBe('bad-label');
    const long: number[] = [];
    for (let k = 0; k < 5; k++) long.push(63, ...new Array<number>(63).fill(0x61));
    expect(checkMdnsPacket(Uint8Array.from([...hdr(1, 0), ...long, 0, 0, 1, 0, 1]))).toBe('bad-label');
    expect(checkMdnsPacket(Uint8Array.from([...hdr(0, 1), 1, 0x61, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 10]))).toBe('truncated');
    expect(checkMdnsPacket(Uint8Array.from(hdr(0, 200)))).toBe('too-many-records');
    expect(checkMdnsPacket(new Uint8Array(9001))).toBe('oversized');
    expect(checkMdnsPacket(new Uint8Array(5))).toBe('truncated');
  });
});
