/**
 * Finds where the whole blocks of a pcapng file Gapscope wrote end, so a recording cut short (a
 * SIGKILL, a full disk) can be trimmed to what readers accept and its packets counted. Fed in
 * chunks of any size: memory stays constant whatever the file's length.
 */
import { BLOCK, BLOCK_FRAME_BYTES } from './blocks';

/** Blocks larger than this are taken as damage, not data (Gapscope's largest block is ~16 MB of comments). */
export const MAX_BLOCK_BYTES = 64 * 1024 * 1024;

/** What a scan found. */
export interface BlockScan {
  /** Bytes from the start up to the end of the last whole, well-framed block. */
  wholeBytes: number;
  /** Bytes seen. */
  totalBytes: number;
  sections: number;
  /** Interface descriptions in the last section. */
  interfaces: number;
  /** Enhanced packet blocks per interface id, over the whole file. */
  packetsByInterface: number[];
  packets: number;
  /** Why the scan stopped before the end, if it did. */
  damage: string | null;
}

/** Scans little-endian pcapng blocks incrementally; call push for each chunk, then result(). */
export class BlockScanner {
  private at = 0;
  private blockStart = 0;
  private blockLen = -1;
  private blockType = 0;
  private readonly head = new Uint8Array(12);
  private headFill = 0;
  private readonly tail = new Uint8Array(4);
  private tailFill = 0;
  private done = false;
  private readonly scan: BlockScan = { wholeBytes: 0, totalBytes: 0, sections: 0, interfaces: 0, packetsByInterface: [], packets: 0, damage: null };

  /** Feeds the next bytes of the file. */
  push(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length && !this.done) {
      if (this.blockLen < 0) {
        // The type, the length and the first body word (an EPB's interface id).
        const take = Math.min(12 - this.headFill, chunk.length - i);
        this.head.set(chunk.subarray(i, i + take), this.headFill);
        this.headFill += take;
        i += take;
        if (this.headFill === 12) this.openBlock();
      } else {
        const pos = this.at + i;
        const end = this.blockStart + this.blockLen;
        const tailStart = end - 4;
        if (pos < tailStart) {
          i += Math.min(tailStart - pos, chunk.length - i);
        } else {
          const take = Math.min(end - pos, chunk.length - i);
          this.tail.set(chunk.subarray(i, i + take), pos - tailStart);
          this.tailFill += take;
          i += take;
          if (this.tailFill === 4) this.closeBlock();
        }
      }
    }
    this.at += chunk.length;
    this.scan.totalBytes = this.at;
  }

  /** What was found so far. */
  result(): BlockScan {
    const s = { ...this.scan, packetsByInterface: this.scan.packetsByInterface.slice() };
    if (!s.damage && s.wholeBytes < s.totalBytes) s.damage = `the last ${s.totalBytes - s.wholeBytes} bytes are an incomplete block`;
    return s;
  }

  private openBlock(): void {
    const v = new DataView(this.head.buffer);
    this.blockType = v.getUint32(0, true);
    const len = v.getUint32(4, true);
    if (len < BLOCK_FRAME_BYTES || len % 4 !== 0 || len > MAX_BLOCK_BYTES) return this.stop(`block at byte ${this.blockStart} has an impossible length ${len}`);
    if (this.scan.sections === 0 && this.blockType !== BLOCK.sectionHeader) return this.stop('the file does not start with a section header');
    this.blockLen = len;
    this.tailFill = 0;
    if (len === 12) {
      // The "first body word" was the trailing length.
      this.tail.set(this.head.subarray(8, 12));
      this.tailFill = 4;
      this.closeBlock();
    }
  }

  private closeBlock(): void {
    const v = new DataView(this.tail.buffer);
    if (v.getUint32(0, true) !== this.blockLen) return this.stop(`block at byte ${this.blockStart} has different leading and trailing lengths`);
    if (this.blockType === BLOCK.sectionHeader) {
      this.scan.sections += 1;
      this.scan.interfaces = 0;
    } else if (this.blockType === BLOCK.interfaceDescription) this.scan.interfaces += 1;
    else if (this.blockType === BLOCK.enhancedPacket) {
      const id = new DataView(this.head.buffer).getUint32(8, true);
      if (id < 65536) {
        while (this.scan.packetsByInterface.length <= id) this.scan.packetsByInterface.push(0);
        this.scan.packetsByInterface[id]! += 1;
      }
      this.scan.packets += 1;
    }
    this.blockStart += this.blockLen;
    this.scan.wholeBytes = this.blockStart;
    this.blockLen = -1;
    this.headFill = 0;
  }

  private stop(why: string): void {
    this.scan.damage = why;
    this.done = true;
  }
}
