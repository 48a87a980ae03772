/**
 * Two series of one stream on one time axis — e.g. a capture made at the sender and what Gapscope
 * received — with the byte difference per bin and the packets missing on either side. Packets are
 * matched by their sequence number when a decoder finds one on both sides, else by a hash of the
 * payload (identical payloads are matched in order). Times are absolute (ms since the epoch), so
 * both series must come from clocks that agree (the same machine, or NTP-synchronized ones).
 */
import { detectFormat } from '../decoders/detect';
import { createDecoder, parseFormat } from '../decoders/streamDecoder';
import type { StreamDecoder } from '../decoders/types';
import { GapscopeError } from '../errors';

/** Packets one series may hold: a compare keeps every packet's time, size and key. */
export const MAX_SERIES_PACKETS = 5_000_000;

/** The packets of one side, in arrival order. */
export class PacketSeries {
  readonly times: number[] = [];
  readonly sizes: number[] = [];
  readonly hashes: number[] = [];
  readonly sequences: (number | null)[] = [];
  private decoder: StreamDecoder | null = null;
  private readonly auto: boolean;
  /** With 'auto': the first payloads (copies), until the format is detected. */
  private held: Uint8Array[] | null = null;
  private withSequence = 0;

  /** `decode`: as `--decode` takes it ('auto' detects, 'none' matches by payload only). */
  constructor(
    readonly label: string,
    decode = 'auto',
    private readonly maxPackets = MAX_SERIES_PACKETS,
  ) {
    const choice = parseFormat(decode);
    if (choice === null) throw new GapscopeError('invalid-argument', `Unknown payload format "${decode}".`);
    this.auto = choice === 'auto';
    if (this.auto) this.held = [];
    else if (choice !== 'none') this.decoder = createDecoder(choice);
  }

  /** Packets so far. */
  get length(): number {
    return this.times.length;
  }

  /** The format the decoder settled on, for the report. */
  get decodedAs(): string {
    this.finish();
    return this.decoder?.format ?? 'none';
  }

  /** True when (nearly) every packet carried a sequence number. */
  get sequenced(): boolean {
    this.finish();
    return this.length > 0 && this.withSequence >= this.length * 0.99;
  }

  /** Adds one datagram seen at timeMs (ms since the epoch). */
  add(timeMs: number, payload: Uint8Array): void {
    if (this.times.length >= this.maxPackets) {
      throw new GapscopeError('invalid-argument', `${this.label} has more than ${this.maxPackets} datagrams in the chosen flow; compare a shorter stretch.`);
    }
    this.times.push(timeMs);
    this.sizes.push(payload.byteLength);
    this.hashes.push(payloadHash(payload));
    if (this.held) {
      this.held.push(payload.slice());
      this.sequences.push(null);
      if (this.held.length >= DETECT_AFTER) this.finish();
      return;
    }
    this.sequences.push(this.sequenceOf(payload, timeMs));
  }

  /** Decides the format of an 'auto' series (at 16 datagrams, or now) and numbers the held ones. */
  finish(): void {
    const held = this.held;
    if (!held) return;
    this.held = null;
    const d = detectFormat(held);
    this.decoder = d.format === 'none' || d.format === 'field' ? null : createDecoder(d.format);
    const from = this.times.length - held.length;
    held.forEach((p, k) => (this.sequences[from + k] = this.sequenceOf(p, this.times[from + k]!)));
  }

  private sequenceOf(payload: Uint8Array, timeMs: number): number | null {
    const seq = this.decoder ? this.decoder.onPayload(payload, timeMs).sequence : null;
    if (seq !== null) this.withSequence += 1;
    return seq;
  }
}

/** Datagrams 'auto' looks at before choosing a format, as the live decoder does. */
const DETECT_AFTER = 16;

/** A packet present on one side only. */
export interface MissingPacket {
  /** ms from the compare's time 0. */
  atMs: number;
  size: number;
  sequence: number | null;
}

/** One side's totals. */
export interface SideSummary {
  label: string;
  packets: number;
  bytes: number;
  firstMs: number | null;
  lastMs: number | null;
  /** The payload format its decoder found. */
  decodedAs: string;
}

/** What `gapscope analyze A --compare B --json` prints. */
export interface CompareReport {
  /** Time 0 of every `…Ms` below: the earlier first packet of the two, ISO time. */
  startedAt: string;
  binMs: number;
  a: SideSummary;
  b: SideSummary;
  matchedBy: 'sequence' | 'payload';
  matched: number;
  /** B's arrival minus A's, over matched packets (the one-way delay when A is the sender). */
  delayMs: { median: number | null; p99: number | null; max: number | null };
  /** Packets in A that B lacks, and the reverse; `packets` lists the first `listed`. */
  missingInB: { count: number; bytes: number; packets: MissingPacket[] };
  missingInA: { count: number; bytes: number; packets: MissingPacket[] };
  /** Per bin: bytes and packets on each side, A − B, and the packets of A missing in B. */
  bins: { startMs: number; aBytes: number; bBytes: number; diffBytes: number; aPackets: number; bPackets: number; missingInB: number }[];
}

/** Compare options. */
export interface CompareOptions {
  binMs: number;
  /** Missing packets listed per side (all are counted); default 1000. */
  listed?: number;
}

/** Bins a compare may produce; past this the bin width doubles until it fits. */
const MAX_BINS = 100_000;

/** Matches B's packets to A's and bins both on one time axis. */
export function compareSeries(a: PacketSeries, b: PacketSeries, options: CompareOptions): CompareReport {
  const listed = options.listed ?? 1000;
  const bySequence = a.sequenced && b.sequenced && a.decodedAs === b.decodedAs;
  const keyA = bySequence ? a.sequences : a.hashes;
  const keyB = bySequence ? b.sequences : b.hashes;
  // Each key's unmatched A packets, oldest first (duplicate payloads match in order).
  const waiting = new Map<number, { items: number[]; next: number }>();
  for (let i = 0; i < a.length; i++) {
    const k = keyA[i] as number;
    const list = waiting.get(k);
    if (list) list.items.push(i);
    else waiting.set(k, { items: [i], next: 0 });
  }
  const matchedA = new Uint8Array(a.length);
  const missingB: number[] = [];
  const delays: number[] = [];
  for (let j = 0; j < b.length; j++) {
    const list = waiting.get(keyB[j] as number);
    const i = list ? list.items[list.next++] : undefined;
    if (i === undefined) {
      missingB.push(j);
      continue;
    }
    matchedA[i] = 1;
    delays.push(b.times[j]! - a.times[i]!);
  }
  const firsts = [a.times[0], b.times[0]].filter((t): t is number => t !== undefined);
  const origin = firsts.length ? Math.min(...firsts) : 0;
  const end = Math.max(a.times.at(-1) ?? origin, b.times.at(-1) ?? origin);
  let binMs = options.binMs;
  while ((end - origin) / binMs >= MAX_BINS) binMs *= 2;
  const nBins = Math.floor((end - origin) / binMs) + 1;
  const bins = Array.from({ length: a.length + b.length > 0 ? nBins : 0 }, (_, i) => ({ startMs: i * binMs, aBytes: 0, bBytes: 0, diffBytes: 0, aPackets: 0, bPackets: 0, missingInB: 0 }));
  const bin = (t: number): (typeof bins)[number] => bins[Math.max(0, Math.min(bins.length - 1, Math.floor((t - origin) / binMs)))]!;
  const missingInB = { count: 0, bytes: 0, packets: [] as MissingPacket[] };
  for (let i = 0; i < a.length; i++) {
    const x = bin(a.times[i]!);
    x.aBytes += a.sizes[i]!;
    x.aPackets += 1;
    if (!matchedA[i]) {
      x.missingInB += 1;
      missingInB.count += 1;
      missingInB.bytes += a.sizes[i]!;
      if (missingInB.packets.length < listed) missingInB.packets.push({ atMs: round(a.times[i]! - origin), size: a.sizes[i]!, sequence: a.sequences[i] ?? null });
    }
  }
  for (let j = 0; j < b.length; j++) {
    const x = bin(b.times[j]!);
    x.bBytes += b.sizes[j]!;
    x.bPackets += 1;
  }
  for (const x of bins) x.diffBytes = x.aBytes - x.bBytes;
  const missingInA = { count: missingB.length, bytes: 0, packets: [] as MissingPacket[] };
  for (const j of missingB) {
    missingInA.bytes += b.sizes[j]!;
    if (missingInA.packets.length < listed) missingInA.packets.push({ atMs: round(b.times[j]! - origin), size: b.sizes[j]!, sequence: b.sequences[j] ?? null });
  }
  delays.sort((x, y) => x - y);
  return {
    startedAt: new Date(origin).toISOString(),
    binMs,
    a: summary(a, origin),
    b: summary(b, origin),
    matchedBy: bySequence ? 'sequence' : 'payload',
    matched: delays.length,
    delayMs: {
      median: delays.length ? round(delays[Math.floor((delays.length - 1) / 2)]!) : null,
      p99: delays.length ? round(delays[Math.min(delays.length - 1, Math.ceil(delays.length * 0.99) - 1)]!) : null,
      max: delays.length ? round(delays.at(-1)!) : null,
    },
    missingInB,
    missingInA,
    bins,
  };
}

function summary(s: PacketSeries, origin: number): SideSummary {
  let bytes = 0;
  for (const x of s.sizes) bytes += x;
  return {
    label: s.label,
    packets: s.length,
    bytes,
    firstMs: s.length ? round(s.times[0]! - origin) : null,
    lastMs: s.length ? round(s.times.at(-1)! - origin) : null,
    decodedAs: s.decodedAs,
  };
}

/** FNV-1a over the payload, mixed with its length: equal payloads, equal hashes. */
export function payloadHash(p: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < p.byteLength; i++) h = Math.imul(h ^ p[i]!, 0x01000193);
  // 32 bits of hash and up to 21 of length: exact in a double.
  return (h >>> 0) + (p.byteLength % 0x200000) * 4294967296;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
