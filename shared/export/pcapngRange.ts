/**
 * A time range of any capture (pcap or pcapng, any link type) as a new pcapng file: the packets
 * keep their bytes, link type and timestamps, so Wireshark shows exactly what the original held
 * between two instants. Pure: fed records by a CaptureReader, it hands back file bytes in pieces.
 */
import type { CaptureRecord } from '../pcapng/read';
import { enhancedPacketBlock, interfaceDescriptionBlock, sectionHeaderBlock } from '../pcapng/write';

/** Where the range lies: ms since the first packet of the file (both ends included). */
export interface CaptureRange {
  fromMs: number;
  toMs: number;
}

/** Copies the packets of a range into pcapng blocks. */
export class PcapngRangeWriter {
  private first: number | null = null;
  private readonly interfaceIds = new Map<string, number>();
  /** Packets copied so far. */
  packets = 0;
  /** Packets seen (in and out of the range). */
  seen = 0;

  constructor(
    private readonly range: CaptureRange,
    private readonly write: (bytes: Uint8Array) => void,
    appName: string,
    comment: string,
  ) {
    write(sectionHeaderBlock({ userAppl: appName, comment }));
  }

  /** Takes one record from the reader; writes it when it falls in the range. */
  onRecord(r: CaptureRecord): void {
    this.seen += 1;
    this.first ??= r.timeMs;
    const t = r.timeMs - this.first;
    if (t < this.range.fromMs || t > this.range.toMs) return;
    // Interfaces are told apart by link type and number; each gets its own description on first use.
    const key = `${r.linkType}:${r.interfaceId}`;
    let id = this.interfaceIds.get(key);
    if (id === undefined) {
      id = this.interfaceIds.size;
      this.interfaceIds.set(key, id);
      this.write(interfaceDescriptionBlock({ name: `if${r.interfaceId}`, linkType: r.linkType, tsresol: 9, description: `interface ${r.interfaceId} of the original capture` }));
    }
    this.write(enhancedPacketBlock(id, r.timeMs, 9, r.data, undefined, r.originalLength));
    this.packets += 1;
  }
}
