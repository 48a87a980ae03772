import { describe, expect, it } from 'vitest';
import { Iperf3StreamDecoder, decodeIperf3, describeIperf3, writeIperf3 } from './iperf3';
import { PacketFlags } from './types';

function hex(s: string): Uint8Array {
  return Uint8Array.from(s.replace(/ /g, '').match(/../g)!.map((h) => parseInt(h, 16)));
}

// First 16 bytes of data datagrams captured (tshark on lo) from `iperf3 -c -u -l 64` 3.12:
// with --udp-counters-64bit (count 1), and without (count 1). The clock is monotonic (0x1b40 s).
const REAL_64 = hex('00 00 1b 40 00 00 3c 8f 00 00 00 00 00 00 00 01');
const REAL_32 = hex('00 00 1b 48 00 0c 1c 8d 00 00 00 01 be cc 87 fa');

describe('decodeIperf3', () => {
  it('reads real iperf 3.12 datagrams in both count widths', () => {
    expect(decodeIperf3(REAL_64)).toEqual({ sendSec: 0x1b40, sendUsec: 0x3c8f, count: 1, countBits: 64 });
    expect(decodeIperf3(REAL_32)).toEqual({ sendSec: 0x1b48, sendUsec: 0x0c1c8d, count: 1, countBits: 32 });
  });

  it('round-trips counts past 2^32 in 64-bit mode', () => {
    const b = new Uint8Array(16);
    expect(writeIperf3(b, 2 ** 33 + 5, 1234.5, 64)).toBe(true);
    expect(decodeIperf3(b, 64)).toMatchObject({ count: 2 ** 33 + 5, sendSec: 1, sendUsec: 234_500 });
  });

  it('returns null when too short', () => {
    expect(decodeIperf3(new Uint8Array(11))).toBeNull();
  });
});

describe('Iperf3StreamDecoder', () => {
  it('ignores the "9876" hello and counts loss as iperf 3 does', () => {
    const dec = new Iperf3StreamDecoder();
    expect(dec.onPayload(hex('39383736'), 0).flags & PacketFlags.ignored).toBeTruthy();
    const b = new Uint8Array(64);
    for (const [i, n] of [1, 1, 2, 5, 4].entries()) {
      writeIperf3(b, n, i * 10, 64);
      dec.onPayload(b, i * 10 + 3);
    }
    // Duplicate 1 comes before any loss (no change); 5 skips 3 and 4; late 4 takes one off.
    expect(dec.stats()).toMatchObject({ received: 5, expected: 5, lost: 1, outOfOrder: 2, duplicates: 1, reordered: 1, jitterMs: 0 });
    expect(dec.describe(REAL_64)).toMatch(/datagram 1 \(64-bit count\)/);
    expect(describeIperf3(hex('39383736'))).toMatch(/hello/);
  });
});
