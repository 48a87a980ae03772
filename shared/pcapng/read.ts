/**
 * A streaming reader of the two capture formats Wireshark and tcpdump write, pcap and pcapng, fed
 * chunk by chunk (Uint8Array) so that a file of any size is read in bounded memory. Pure: no Node,
 * no DOM; the Node side only reads the file (and gunzips it) and pushes chunks.
 *
 * pcap: both byte orders, microsecond and nanosecond magic numbers.
 * pcapng: several sections, both byte orders, Interface Description Blocks with if_tsresol and
 * if_tsoffset, Enhanced, Simple and (obsolete) Packet Blocks; other blocks are skipped.
 *
 * Every structural problem is a CaptureFormatError naming the byte offset; problems that leave the
 * rest readable are counted in `warnings`. A length field is never trusted for memory: a block or
 * record longer than `maxBlockBytes` (64 MiB by default) is refused before anything is buffered.
 *
 * Timestamps are ms since the Unix epoch as a double: exact to the microsecond, and within about
 * 0.25 µs for nanosecond files (a double cannot hold 64-bit nanoseconds exactly).
 */
import { ByteQueue } from './readQueue';
import { CaptureFormatError, CaptureWarnings } from './readErrors';

/** One captured packet, as the file records it. */
export interface CaptureRecord {
  /** Link-layer header type (LINKTYPE_*) of the interface it was captured on. */
  linkType: number;
  /** Interface number within its pcapng section (0 for pcap). */
  interfaceId: number;
  /** Capture time, ms since the Unix epoch. */
  timeMs: number;
  /** The captured bytes (at most the snap length); valid until the next push() returns. */
  data: Uint8Array;
  /** The packet's length on the wire. */
  originalLength: number;
  /** Byte offset of the record or block in the uncompressed file. */
  offset: number;
}

/** What an interface of the file captured on. */
export interface CaptureInterface {
  section: number;
  linkType: number;
  snapLength: number;
  name: string | null;
  description: string | null;
  /** Timestamp units per second (1e6 unless if_tsresol says otherwise). */
  unitsPerSecond: number;
  /** Seconds added to every timestamp (if_tsoffset). */
  offsetSeconds: number;
}

/** Which of the two formats the file is. */
export type CaptureFileFormat = 'pcap' | 'pcap-ns' | 'pcapng';

/** Reader limits. */
export interface CaptureReaderOptions {
  /** Largest block or record accepted, bytes; default 64 MiB. */
  maxBlockBytes?: number;
}

/** Default cap on one block or record: far above any real packet, small enough to refuse a lying length. */
export const MAX_BLOCK_BYTES = 64 * 1024 * 1024;

const PCAP_US = 0xa1b2c3d4;
const PCAP_NS = 0xa1b23c4d;
const PCAP_MODIFIED = 0xa1b2cd34;
const SHB = 0x0a0d0d0a;
const BOM = 0x1a2b3c4d;
const BT_IDB = 0x00000001;
const BT_PB = 0x00000002;
const BT_SPB = 0x00000003;
const BT_EPB = 0x00000006;

const TWO_32 = 4294967296;
/** Reserved bits of pcap's link-type field (bits 16-25; above them the FCS length). */
const PCAP_LINK_RESERVED = 0x03ff0000;

/** Reads pcap or pcapng from pushed chunks and calls `onRecord` for every packet, in file order. */
export class CaptureReader {
  readonly warnings = new CaptureWarnings();
  readonly interfaces: CaptureInterface[] = [];
  private readonly queue = new ByteQueue();
  private readonly maxBlock: number;
  private fileFormat: CaptureFileFormat | null = null;
  private little = true;
  private offset = 0;
  private records = 0;
  private sections = 0;
  private sectionInterfaces: CaptureInterface[] = [];
  private pcapLinkType = 0;
  private lastTimeMs = 0;
  // A later section of an unknown version is skipped up to the next Section Header Block.
  private skippingSection = false;
  private ended = false;
  private failed: CaptureFormatError | null = null;

  constructor(
    private readonly onRecord: (record: CaptureRecord) => void,
    options: CaptureReaderOptions = {},
  ) {
    this.maxBlock = options.maxBlockBytes ?? MAX_BLOCK_BYTES;
  }

  /** pcap, pcap-ns or pcapng, once the first bytes have been read. */
  get format(): CaptureFileFormat | null {
    return this.fileFormat;
  }

  /** Bytes of the file parsed so far (complete blocks or records). */
  get bytesRead(): number {
    return this.offset;
  }

  /** Packets delivered so far. */
  get packetCount(): number {
    return this.records;
  }

  /**
   * The index in `interfaces` of a record's interface (its `interfaceId` counts within its section).
   * Valid while the record is being delivered, when the reader is in that record's section.
   */
  interfaceIndexOf(interfaceId: number): number {
    if (this.fileFormat !== 'pcapng') return 0;
    const iface = this.sectionInterfaces[interfaceId];
    return iface ? this.interfaces.indexOf(iface) : -1;
  }

  /**
   * Feeds the next bytes of the file; delivers every packet they complete. Throws only
   * CaptureFormatError. Keeps no reference to `chunk` once it returns: the caller may read the next
   * bytes into the same memory.
   */
  push(chunk: Uint8Array): void {
    if (this.failed) throw this.failed;
    if (this.ended) throw new CaptureFormatError('Data pushed after the end of the file.', this.offset);
    if (chunk.byteLength === 0) return;
    this.queue.push(chunk);
    try {
      this.guard(() => this.drain());
    } finally {
      this.queue.release(chunk);
    }
  }

  /** Says the file is complete; a partial last block is counted as a warning (a capture cut short). */
  end(): void {
    if (this.failed) throw this.failed;
    if (this.ended) return;
    this.ended = true;
    const left = this.queue.length;
    if (this.fileFormat === null) {
      const head = this.queue.view(Math.min(left, 4));
      throw this.fail(new CaptureFormatError(left === 0 ? 'The file is empty.' : `The file is too short to be a capture (${left} bytes): ${describeStart(head)}.`, 0));
    }
    if (left > 0) {
      this.warnings.add('truncated-end', `The file ends in the middle of a ${this.fileFormat === 'pcapng' ? 'block' : 'record'}: ${left} bytes left over (a capture cut short).`, this.offset);
    }
  }

  private guard(run: () => void): void {
    try {
      run();
    } catch (e) {
      if (e instanceof CaptureFormatError) throw this.fail(e);
      // Any other exception here is a reader bug; the user still gets a sentence and a place.
      throw this.fail(new CaptureFormatError(`Could not read the capture: ${e instanceof Error ? e.message : String(e)}`, this.offset));
    }
  }

  private fail(e: CaptureFormatError): CaptureFormatError {
    this.failed = e;
    return e;
  }

  private drain(): void {
    for (;;) {
      if (this.fileFormat === null && !this.readFileStart()) return;
      const done = this.fileFormat === 'pcapng' ? this.readBlock() : this.readPcapRecord();
      if (!done) return;
    }
  }

  /** Recognizes the format from the first bytes; false when more bytes are needed. */
  private readFileStart(): boolean {
    if (this.queue.length < 4) return false;
    const head = this.queue.view(4);
    const be = u32(head, 0, false);
    if (be === SHB) {
      this.fileFormat = 'pcapng';
      return true;
    }
    if (this.queue.length < 24) return false;
    const h = this.queue.view(24);
    const le = u32(h, 0, true);
    let little: boolean;
    let ns: boolean;
    if (le === PCAP_US || le === PCAP_NS) {
      little = true;
      ns = le === PCAP_NS;
    } else if (be === PCAP_US || be === PCAP_NS) {
      little = false;
      ns = be === PCAP_NS;
    } else if (le === PCAP_MODIFIED || be === PCAP_MODIFIED) {
      throw new CaptureFormatError('This is a "modified" (Kuznetzov) pcap file, which Gapscope does not read; convert it with `editcap -F pcap`.', 0);
    } else {
      throw new CaptureFormatError(`Not a pcap or pcapng file: ${describeStart(head)}.`, 0);
    }
    this.little = little;
    this.fileFormat = ns ? 'pcap-ns' : 'pcap';
    const major = u16(h, 4, little);
    if (major !== 2) throw new CaptureFormatError(`Unsupported pcap version ${major}.${u16(h, 6, little)} (expected 2.4).`, 0);
    const snap = u32(h, 16, little);
    // The upper bits of the link type field may carry the FCS length; the type is the low 16 bits.
    const linkField = u32(h, 20, little);
    this.pcapLinkType = linkField & 0xffff;
    // Bits 16-25 are reserved and must be zero (draft-ietf-opsawg-pcap §4): tshark and libpcap refuse
    // such a file. The type itself is still plain, so Gapscope reads it, and says so.
    const reserved = linkField & PCAP_LINK_RESERVED;
    if (reserved !== 0) {
      this.warnings.add('link-type-reserved-bits', `The file header's link-type field has reserved bits set (0x${reserved.toString(16).padStart(8, '0')}; they must be 0): tshark and libpcap refuse this file. Gapscope read it as link type ${this.pcapLinkType}; the file may be damaged.`, 20);
    }
    this.interfaces.push({ section: 0, linkType: this.pcapLinkType, snapLength: snap, name: null, description: null, unitsPerSecond: ns ? 1e9 : 1e6, offsetSeconds: 0 });
    this.sections = 1;
    this.queue.skip(24);
    this.offset = 24;
    return true;
  }

  private readPcapRecord(): boolean {
    if (this.queue.length < 16) return false;
    // Header fields are read in place (see ByteQueue.hold): only the packet's bytes get a view.
    let h = this.queue.hold(16);
    let p = this.queue.start;
    const little = this.little;
    const sec = u32(h, p, little);
    const frac = u32(h, p + 4, little);
    const incl = u32(h, p + 8, little);
    const orig = u32(h, p + 12, little);
    if (incl > this.maxBlock) {
      throw new CaptureFormatError(`Packet record says it holds ${incl} bytes, more than the ${this.maxBlock}-byte limit: the file is damaged.`, this.offset);
    }
    if (this.queue.length < 16 + incl) return false;
    const ns = this.fileFormat === 'pcap-ns';
    if (frac >= (ns ? 1e9 : 1e6)) this.warnings.add('bad-timestamp', `A packet's fraction of a second (${frac}) is out of range.`, this.offset);
    if (incl > orig) this.warnings.add('captured-longer-than-original', `A packet's captured length (${incl}) exceeds its original length (${orig}).`, this.offset);
    h = this.queue.hold(16 + incl);
    p = this.queue.start;
    const timeMs = sec * 1000 + (ns ? frac / 1e6 : frac / 1e3);
    this.deliver(this.pcapLinkType, 0, timeMs, h.subarray(p + 16, p + 16 + incl), Math.max(orig, incl), this.offset);
    this.queue.skip(16 + incl);
    this.offset += 16 + incl;
    return true;
  }

  private readBlock(): boolean {
    if (this.queue.length < 12) return false;
    // Fields are read in place (see ByteQueue.hold): an Enhanced Packet Block costs one view, its packet's.
    let b = this.queue.hold(12);
    let p = this.queue.start;
    const at = this.offset;
    let type = u32(b, p, this.little);
    if (u32(b, p, false) === SHB) {
      // A Section Header sets the byte order of its section: read the byte-order magic first.
      const bom = u32(b, p + 8, true);
      if (bom === BOM) this.little = true;
      else if (u32(b, p + 8, false) === BOM) this.little = false;
      else throw new CaptureFormatError(`Section Header Block with an unknown byte-order magic 0x${u32(b, p + 8, false).toString(16).padStart(8, '0')}.`, at);
      type = SHB;
    }
    const length = u32(b, p + 4, this.little);
    if (length < 12 || length % 4 !== 0) {
      throw new CaptureFormatError(`Block of type 0x${type.toString(16)} has an impossible length ${length} (must be a multiple of 4, at least 12).`, at);
    }
    if (length > this.maxBlock) {
      throw new CaptureFormatError(`Block of type 0x${type.toString(16)} says it is ${length} bytes long, more than the ${this.maxBlock}-byte limit: the file is damaged.`, at);
    }
    if (this.queue.length < length) return false;
    if (b.byteLength - p < length) {
      b = this.queue.hold(length);
      p = this.queue.start;
    }
    const trailing = u32(b, p + length - 4, this.little);
    if (trailing !== length) {
      throw new CaptureFormatError(`Block of type 0x${type.toString(16)}: its trailing length ${trailing} differs from its leading length ${length}.`, at);
    }
    if (this.sections === 0 && type !== SHB) throw new CaptureFormatError('pcapng file does not start with a Section Header Block.', at);
    if (this.skippingSection && type !== SHB) {
      if (type === BT_EPB || type === BT_SPB || type === BT_PB) this.warnings.add('unknown-version-packets', 'Packets of a section of unknown version were skipped.', at);
      this.queue.skip(length);
      this.offset += length;
      return true;
    }
    switch (type) {
      case BT_EPB:
        this.readEnhancedPacket(b, p + 8, length - 12, at);
        break;
      case SHB:
        this.readSectionHeader(b.subarray(p + 8, p + length - 4), at);
        break;
      case BT_IDB:
        this.readInterface(b.subarray(p + 8, p + length - 4), at);
        break;
      case BT_SPB:
        this.readSimplePacket(b.subarray(p + 8, p + length - 4), at);
        break;
      case BT_PB:
        this.readObsoletePacket(b.subarray(p + 8, p + length - 4), at);
        break;
      default:
        // Name resolution, interface statistics, decryption secrets, custom and unknown blocks.
        break;
    }
    this.queue.skip(length);
    this.offset += length;
    return true;
  }

  private readSectionHeader(body: Uint8Array, at: number): void {
    if (body.byteLength < 16) throw new CaptureFormatError(`Section Header Block too short (${body.byteLength + 12} bytes).`, at);
    const major = u16(body, 4, this.little);
    const minor = u16(body, 6, this.little);
    this.sections += 1;
    this.sectionInterfaces = [];
    this.skippingSection = false;
    // 1.0 is the format; 1.2 was written by some old tools for the same layout (the pcapng draft
    // says to read it as 1.0, and Wireshark and libpcap do). Any other version may lay blocks out
    // otherwise: the first section is refused, as tshark refuses it; a later one is skipped.
    if (major === 1 && (minor === 0 || minor === 2)) return;
    const what = `pcapng version ${major}.${minor} (Gapscope reads 1.0, and 1.2 as 1.0, like tshark)`;
    if (this.sections === 1) throw new CaptureFormatError(`Unsupported ${what}.`, at);
    this.skippingSection = true;
    this.warnings.add('unknown-section-version', `Section ${this.sections} of the file has ${what}: its blocks were skipped (tshark stops reading there).`, at);
  }

  private readInterface(body: Uint8Array, at: number): void {
    if (body.byteLength < 8) throw new CaptureFormatError(`Interface Description Block too short (${body.byteLength + 12} bytes).`, at);
    const iface: CaptureInterface = {
      section: this.sections - 1,
      linkType: u16(body, 0, this.little),
      snapLength: u32(body, 4, this.little),
      name: null,
      description: null,
      unitsPerSecond: 1e6,
      offsetSeconds: 0,
    };
    this.readOptions(body, 8, at, (code, value) => {
      if (code === 2) iface.name = utf8(value);
      else if (code === 3) iface.description = utf8(value);
      else if (code === 9 && value.byteLength >= 1) {
        const r = value[0]!;
        const exponent = r & 0x7f;
        if ((r & 0x80) === 0 ? exponent > 18 : exponent > 62) {
          this.warnings.add('bad-tsresol', `Interface ${this.sectionInterfaces.length} has an unusable timestamp resolution (if_tsresol ${r}); microseconds assumed.`, at);
        } else {
          iface.unitsPerSecond = (r & 0x80) === 0 ? 10 ** exponent : 2 ** exponent;
        }
      } else if (code === 14 && value.byteLength >= 8) {
        const hi = u32(value, this.little ? 4 : 0, this.little) | 0;
        const lo = u32(value, this.little ? 0 : 4, this.little);
        iface.offsetSeconds = hi * TWO_32 + lo;
      }
    });
    this.sectionInterfaces.push(iface);
    this.interfaces.push(iface);
  }

  /** The block's body is the `size` bytes of `b` from `from`. */
  private readEnhancedPacket(b: Uint8Array, from: number, size: number, at: number): void {
    if (size < 20) throw new CaptureFormatError(`Enhanced Packet Block too short (${size + 12} bytes).`, at);
    const id = u32(b, from, this.little);
    const hi = u32(b, from + 4, this.little);
    const lo = u32(b, from + 8, this.little);
    const captured = u32(b, from + 12, this.little);
    const original = u32(b, from + 16, this.little);
    if (captured > size - 20) {
      throw new CaptureFormatError(`Enhanced Packet Block says it holds ${captured} bytes but has room for ${size - 20}.`, at);
    }
    const iface = this.interfaceFor(id, at);
    if (!iface) return;
    this.deliver(iface.linkType, id, this.timeOf(iface, hi, lo), b.subarray(from + 20, from + 20 + captured), Math.max(original, captured), at);
  }

  private readSimplePacket(body: Uint8Array, at: number): void {
    if (body.byteLength < 4) throw new CaptureFormatError(`Simple Packet Block too short (${body.byteLength + 12} bytes).`, at);
    const iface = this.interfaceFor(0, at);
    if (!iface) return;
    const original = u32(body, 0, this.little);
    const room = body.byteLength - 4;
    let captured = Math.min(original, room);
    if (iface.snapLength > 0) captured = Math.min(captured, iface.snapLength);
    // A Simple Packet Block has no timestamp: it gets the previous packet's time.
    this.warnings.add('simple-packet-no-time', 'Simple Packet Blocks carry no timestamp; each got the time of the packet before it.', at);
    this.deliver(iface.linkType, 0, this.lastTimeMs, body.subarray(4, 4 + captured), original, at);
  }

  private readObsoletePacket(body: Uint8Array, at: number): void {
    if (body.byteLength < 20) throw new CaptureFormatError(`Packet Block too short (${body.byteLength + 12} bytes).`, at);
    const id = u16(body, 0, this.little);
    const hi = u32(body, 4, this.little);
    const lo = u32(body, 8, this.little);
    const captured = u32(body, 12, this.little);
    const original = u32(body, 16, this.little);
    if (captured > body.byteLength - 20) {
      throw new CaptureFormatError(`Packet Block says it holds ${captured} bytes but has room for ${body.byteLength - 20}.`, at);
    }
    const iface = this.interfaceFor(id, at);
    if (!iface) return;
    this.deliver(iface.linkType, id, this.timeOf(iface, hi, lo), body.subarray(20, 20 + captured), Math.max(original, captured), at);
  }

  private interfaceFor(id: number, at: number): CaptureInterface | null {
    const iface = this.sectionInterfaces[id];
    if (!iface) {
      this.warnings.add('unknown-interface', `A packet names interface ${id}, which its section does not describe; such packets were skipped.`, at);
      return null;
    }
    return iface;
  }

  private timeOf(iface: CaptureInterface, hi: number, lo: number): number {
    // hi·2³² and lo scaled separately: the product stays within a double's precision for real dates.
    const msPerUnit = 1000 / iface.unitsPerSecond;
    return hi * (TWO_32 * msPerUnit) + lo * msPerUnit + iface.offsetSeconds * 1000;
  }

  private readOptions(body: Uint8Array, from: number, at: number, onOption: (code: number, value: Uint8Array) => void): void {
    let p = from;
    while (p + 4 <= body.byteLength) {
      const code = u16(body, p, this.little);
      const len = u16(body, p + 2, this.little);
      if (code === 0) return;
      if (p + 4 + len > body.byteLength) {
        this.warnings.add('bad-option', `An option (code ${code}) runs past the end of its block; the block's remaining options were ignored.`, at);
        return;
      }
      onOption(code, body.subarray(p + 4, p + 4 + len));
      p += 4 + ((len + 3) & ~3);
    }
  }

  private deliver(linkType: number, interfaceId: number, timeMs: number, data: Uint8Array, originalLength: number, offset: number): void {
    this.records += 1;
    this.lastTimeMs = timeMs;
    this.onRecord({ linkType, interfaceId, timeMs, data, originalLength, offset });
  }
}

function u16(b: Uint8Array, p: number, little: boolean): number {
  return little ? b[p]! | (b[p + 1]! << 8) : (b[p]! << 8) | b[p + 1]!;
}

function u32(b: Uint8Array, p: number, little: boolean): number {
  return little
    ? (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0
    : ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
}

function utf8(b: Uint8Array): string {
  let end = Math.min(b.byteLength, 256);
  while (end > 0 && b[end - 1] === 0) end--;
  let escaped = '';
  for (let i = 0; i < end; i++) escaped += `%${b[i]! < 16 ? '0' : ''}${b[i]!.toString(16)}`;
  try {
    return decodeURIComponent(escaped);
  } catch {
    // Not UTF-8: show the bytes as Latin-1 rather than fail over a name.
    return String.fromCharCode(...b.subarray(0, end));
  }
}

function describeStart(head: Uint8Array): string {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'it is gzip-compressed';
  const hex = [...head].map((x) => x.toString(16).padStart(2, '0')).join(' ');
  return head.byteLength ? `it starts with ${hex}` : 'it is empty';
}
