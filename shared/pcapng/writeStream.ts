/**
 * The packet side of a recording: turns each received datagram into an Enhanced Packet Block in a
 * bounded set of reusable chunks that the file side writes out. The packet path never waits on the
 * disk: when the disk falls behind and every chunk is waiting to be written, packets are counted as
 * not recorded instead of growing memory. Comments mark the packets where gaps start and end.
 */
import { GapDetector } from '../reception/gapDetector';
import { addressBytes, commentOptions, udpPacketBlockSize, writeUdpPacketBlock, type IpEndpoint, type PcapngOption } from './write';

/** How a stream's packets are recorded. */
export interface PacketRecorderOptions {
  interfaceId: number;
  tsresol: 6 | 9;
  /** Where the datagrams were sent to: the group, or the address the socket is bound to. */
  destination: IpEndpoint;
  /** The stream's fixed gap threshold; absent = learned as the monitor learns it. */
  gapMs?: number;
  /** Size of one write, bytes. */
  chunkBytes?: number;
  /** Chunks that may wait for the disk before packets are dropped from the recording. */
  maxChunks?: number;
}

/** Counters of a recording, per stream. */
export interface RecorderCounts {
  /** Packets written into chunks (on disk once those are written). */
  packets: number;
  /** Packets received but not recorded because the disk fell behind. */
  notRecorded: number;
  /** Bytes of blocks produced. */
  bytes: number;
}

interface Pending {
  epochMs: number;
  atMs: number;
  payload: Uint8Array;
  src: IpEndpoint;
  comments: string[];
}

/** Default write size: big enough for any datagram, small enough to keep a torn tail short. */
export const CHUNK_BYTES = 256 * 1024;
/** Default chunks: 16 × 256 KiB = 4 MiB per stream at most, whatever the session's length. */
export const MAX_CHUNKS = 16;

/** Encodes packets into chunks; the caller writes takeReady() chunks and gives them back with release(). */
export class PacketRecorder {
  private readonly detector: GapDetector;
  private readonly chunkBytes: number;
  private readonly maxChunks: number;
  private readonly free: Uint8Array[] = [];
  private readonly ready: Uint8Array[] = [];
  private current: Uint8Array | null = null;
  private currentView: DataView | null = null;
  private fill = 0;
  private chunks = 0;
  private pending: Pending | null = null;
  private lastSrcText = '';
  private lastSrc: IpEndpoint | null = null;
  readonly counts: RecorderCounts = { packets: 0, notRecorded: 0, bytes: 0 };

  constructor(private readonly options: PacketRecorderOptions) {
    this.detector = new GapDetector(options.gapMs);
    this.chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
    this.maxChunks = options.maxChunks ?? MAX_CHUNKS;
  }

  /**
   * Records one datagram: epochMs is its arrival as wall-clock time, atMs the same instant on the
   * monitor's clock (for gap detection). The packet is held until the next one arrives, to know
   * whether a gap starts after it.
   */
  onPacket(epochMs: number, atMs: number, payload: Uint8Array, srcAddress: string, srcPort: number, srcBytes?: Uint8Array): void {
    const src = this.source(srcAddress, srcPort, srcBytes);
    if (!src) {
      this.counts.notRecorded += 1;
      return;
    }
    const gap = this.detector.onPacket(atMs, payload.length);
    const comments: string[] = [];
    if (gap) {
      const what = `silence of ${gap.durationMs.toFixed(1)} ms, threshold ${this.detector.thresholdMs.toFixed(0)} ms`;
      if (this.pending && !this.pending.comments.some((c) => c.startsWith('Gapscope: gap starts'))) this.pending.comments.push(`Gapscope: gap starts after this packet (${what})`);
      comments.push(`Gapscope: gap ends with this packet (${what})`);
    }
    this.writePending();
    this.pending = { epochMs, atMs, payload, src, comments };
  }

  /**
   * Moves what was encoded to the ready list (called at least once a second). The held packet goes
   * too when the silence after it is already a gap, marked as such; otherwise it waits for the next.
   */
  flush(nowAtMs: number, final = false): void {
    if (this.pending && (final || nowAtMs - this.pending.atMs > this.detector.thresholdMs)) {
      const silent = nowAtMs - this.pending.atMs;
      if (silent > this.detector.thresholdMs) this.pending.comments.push(`Gapscope: gap starts after this packet (no data for ${silent.toFixed(1)} ms ${final ? 'when the recording stopped' : 'so far'}, threshold ${this.detector.thresholdMs.toFixed(0)} ms)`);
      this.writePending();
    }
    if (this.current && this.fill > 0) {
      this.ready.push(this.current.subarray(0, this.fill));
      this.current = null;
      this.currentView = null;
      this.fill = 0;
    }
  }

  /** The chunks waiting to be written, oldest first; each holds whole blocks only. */
  takeReady(): Uint8Array[] {
    return this.ready.splice(0, this.ready.length);
  }

  /** True when chunks are waiting. */
  get hasReady(): boolean {
    return this.ready.length > 0;
  }

  /** Gives a written chunk back for reuse. */
  release(chunk: Uint8Array): void {
    this.free.push(new Uint8Array(chunk.buffer, chunk.byteOffset, this.chunkBytes));
  }

  private writePending(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    const comment: PcapngOption[] = p.comments.length ? p.comments.flatMap((c) => commentOptions(c)) : [];
    const size = udpPacketBlockSize(p.src, this.options.destination, p.payload.length, comment);
    if (!this.room(size)) {
      this.counts.notRecorded += 1;
      return;
    }
    this.fill = writeUdpPacketBlock(this.current!, this.currentView!, this.fill, this.options.interfaceId, p.epochMs, this.options.tsresol, p.src, this.options.destination, p.payload, comment);
    this.counts.packets += 1;
    this.counts.bytes += size;
  }

  private room(size: number): boolean {
    if (size > this.chunkBytes) return false;
    if (this.current && this.fill + size <= this.chunkBytes) return true;
    if (this.current) {
      this.ready.push(this.current.subarray(0, this.fill));
      this.current = null;
    }
    let next = this.free.pop();
    if (!next) {
      if (this.chunks >= this.maxChunks) return false;
      next = new Uint8Array(this.chunkBytes);
      this.chunks += 1;
    }
    this.current = next;
    this.currentView = new DataView(next.buffer, next.byteOffset, next.byteLength);
    this.fill = 0;
    return true;
  }

  private source(text: string, port: number, bytes?: Uint8Array): IpEndpoint | null {
    if (bytes) return { address: bytes, port };
    if (text !== this.lastSrcText || !this.lastSrc) {
      const a = addressBytes(text);
      if (!a) return null;
      this.lastSrcText = text;
      this.lastSrc = { address: a, port };
    }
    return this.lastSrc.port === port ? this.lastSrc : { address: this.lastSrc.address, port };
  }
}
