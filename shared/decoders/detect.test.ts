import { describe, expect, it } from 'vitest';
import { detectFormat } from './detect';
import { readFixture } from './fixtures/readFixture.mjs';
import { SAMPLE_FORMATS, prng, sampleStream } from './testing/sampleStreams';

describe('detectFormat', () => {
  it.each(SAMPLE_FORMATS)('recognizes a clean %s stream from 16 datagrams', (format) => {
    const d = detectFormat(sampleStream(format, 16));
    expect(d.format).toBe(format);
    expect(d.confidence).toBeGreaterThanOrEqual(0.9);
    expect(d.candidates[1]!.confidence).toBeLessThan(0.5); // and nothing else comes close
  });

  it('recognizes real datagrams: an iperf 2.1.8 client and the SkyEcho frame', () => {
    const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((h) => parseInt(h, 16)));
    const iperf = Array.from({ length: 8 }, (_, i) => {
      const b = hex('000000016b0570e3000930ea0000000048010098000000010000afd20000006400000000ffffffce');
      b[3] = i + 1;
      b[11] = 0xea + i * 3; // and a later tv_usec each, as consecutive datagrams of the run carry
      return b;
    });
    expect(detectFormat(iperf).format).toBe('iperf2');
    expect(detectFormat(Array(8).fill(readFixture('skyecho-foreflight-id-0x65.frame.bin')), 4000)).toMatchObject({ format: 'gdl90' });
  });

  it('says none for random bytes, and never throws', () => {
    const r = prng(7);
    const junk = Array.from({ length: 16 }, () => Uint8Array.from({ length: 1 + Math.floor(r() * 300) }, () => Math.floor(r() * 256)));
    expect(detectFormat(junk).format).toBe('none');
    expect(detectFormat([]).format).toBe('none');
    expect(detectFormat([new Uint8Array(0)]).format).toBe('none');
  });

  it('is less sure with few samples unless every frame passed a CRC, and uses the port as a hint', () => {
    const few = detectFormat(sampleStream('rtp', 3));
    const many = detectFormat(sampleStream('rtp', 16));
    expect(few.confidence).toBeLessThan(many.confidence);
    const hinted = detectFormat(sampleStream('rtp', 3), 5004);
    expect(hinted.confidence).toBeGreaterThan(few.confidence);
    expect(hinted.reason).toMatch(/port 5004/);
    expect(detectFormat(sampleStream('mavlink', 2)).confidence).toBe(1);
  });

  it('does not take ONC RPC (NFS over UDP: xid counting up, then message type and RPC version) for iperf 2', () => {
    // The first 12 bytes of NFS calls as nDPI's nfsv2.pcap holds them: xid, 0 (call), 2 (RPC version).
    const calls = Array.from({ length: 16 }, (_, i) => Uint8Array.from([0x5e, 0x1d, 0x7a, 0x10 + i, 0, 0, 0, 0, 0, 0, 0, 2, 0, 1, 0x86, 0xa0, 0, 0, 0, 2]));
    expect(detectFormat(calls).format).not.toBe('iperf2');
  });

  it('tells iperf 2 from iperf 3 and from Gapscope seq', () => {
    expect(detectFormat(sampleStream('iperf3', 10)).candidates.find((c) => c.format === 'iperf2')!.confidence).toBeLessThan(0.5);
    expect(detectFormat(sampleStream('seq', 10)).candidates.find((c) => c.format === 'iperf2')!.confidence).toBeLessThan(0.5);
  });
});
