import { describe, expect, it } from 'vitest';
import { CaptureReader, type CaptureRecord } from '../pcapng/read';
import { concat, ethernet, ipv4, pcapFile, udp } from '../pcapng/testing/readTestFiles';
import { PcapngRangeWriter } from './pcapngRange';

function packet(i: number): Uint8Array {
  return ethernet(0x0800, ipv4([10, 0, 0, 1], [10, 0, 0, 2], 17, udp(5000, 4000, Uint8Array.of(i, i, i, i))));
}

describe('PcapngRangeWriter', () => {
  it('copies the packets of a time range with their bytes, link type and times', () => {
    // 10 packets 100 ms apart, in a classic pcap.
    const file = pcapFile({ linkType: 1, packets: Array.from({ length: 10 }, (_, i) => ({ sec: 1_800_000_000, frac: i * 100_000, data: packet(i) })) });
    const parts: Uint8Array[] = [];
    const w = new PcapngRangeWriter({ fromMs: 250, toMs: 600 }, (b) => parts.push(b), 'Gapscope test', 'range 0.25–0.6 s');
    const reader = new CaptureReader((r) => w.onRecord(r));
    reader.push(file);
    reader.end();
    expect([w.seen, w.packets]).toEqual([10, 4]);

    const back: CaptureRecord[] = [];
    const again = new CaptureReader((r) => back.push({ ...r, data: r.data.slice() }));
    again.push(concat(...parts));
    again.end();
    expect(again.format).toBe('pcapng');
    expect(back.map((r) => r.data[r.data.length - 1])).toEqual([3, 4, 5, 6]);
    expect(back.every((r) => r.linkType === 1)).toBe(true);
    expect(back[0]!.timeMs).toBeCloseTo(1_800_000_000_300, 3);
    expect(again.warnings.list()).toEqual([]);
  });
});
