/** The data a reception monitor produces, shared by the back end, the CLI report and the UI. */
import type { DecodeStats, RestartReason } from '../decoders/types';
import type { SweepKind } from '../generator/pairing';

/** A silence longer than the gap threshold, with what arrived since the previous gap. */
export interface Gap {
  /** Arrival time of the last packet before the silence, ms since the stream started. */
  startMs: number;
  /** Arrival time of the first packet after it. */
  endMs: number;
  durationMs: number;
  /** Packets received between the previous gap (or the start) and this one. */
  packetsBefore: number;
  /** Payload bytes received between the previous gap (or the start) and this one. */
  bytesBefore: number;
  /** Where the gap came from, when Gapscope can tell: a stall of its own event loop, or unknown. */
  cause: 'local-stall' | 'unexplained';
  /** Packets the sender sent during the gap, by the payload's sequence numbers; null without them. */
  lostPackets: number | null;
  /**
   * Datagrams the kernel dropped in the stream's receive buffer (full) from the end of the previous
   * gap to the end of this one, by the kernel's own counters (electron/reception/kernelDrops.ts);
   * absent or null when they were not read.
   */
  socketDrops?: number | null;
  /** Whose counter socketDrops is: this socket's alone (Linux), or the whole machine's (macOS, Windows). */
  socketDropsScope?: 'socket' | 'machine';
  /** A receive buffer to ask for (bytes, as recvBufferBytes) that would have held the burst before this gap and what the kernel dropped of it; null without drops. */
  suggestedRecvBufferBytes?: number | null;
  /** Where what the socket missed was lost, from the wire view beside it (shared/reception/gapLocation.ts); absent without one. */
  location?: GapLocation;
  /** The first packet after the gap says the device started again (its decoder's restart reason): the silence was the device's, not loss. */
  deviceRestart?: RestartReason;
  /** What the sender's own account says of the gap, when the stream is paired with `gapscope send` (shared/reception/pairing.ts); absent otherwise. */
  paired?: PairedGap | null;
}

/**
 * Where the datagrams the socket missed from the end of the previous gap to the end of this one
 * were lost, by the wire view beside the socket and the kernel's drop counter (the same stretch
 * as Gap.socketDrops). missed = beforeWire + socketBuffer + afterWire.
 */
export interface GapLocation {
  /** none: nothing missed; before-wire: never reached this machine; socket-buffer: dropped in the socket's full buffer; after-wire: reached the network card, lost on this machine otherwise; mixed: more than one of these. */
  where: 'none' | 'before-wire' | 'socket-buffer' | 'after-wire' | 'mixed';
  /** sequence: matched by the payload's sequence numbers (exact); time: by counts between the gaps' ends (about). */
  matchedBy: 'sequence' | 'time';
  /** Datagrams the socket missed in the stretch. */
  missed: number;
  /** Of those, not seen on the wire either. */
  beforeWire: number;
  /** Seen on the wire, and counted by the kernel as dropped in the socket's receive buffer. */
  socketBuffer: number;
  /** Seen on the wire, not counted as buffer drops: lost on this machine between the card and the socket. */
  afterWire: number;
}

/** A stretch during which the receiver itself could not run, so arrival times were delayed. */
export interface LocalStall {
  startMs: number;
  endMs: number;
  durationMs: number;
}

/** Whether gaps recur after a regular time or a regular byte count (the "every ~128 KB" signature). */
export interface Periodicity {
  /** Which regularity explains the gaps best, or none. */
  kind: 'bytes' | 'time' | 'none';
  /** Median bytes received between consecutive gaps, when there are enough gaps to say. */
  everyBytes: number | null;
  /** Median time from the start of one gap to the start of the next. */
  everyMs: number | null;
  /** Coefficient of variation of the byte counts (0 = perfectly regular). */
  bytesSpread: number | null;
  /** Coefficient of variation of the intervals. */
  timeSpread: number | null;
  /** How many gaps the verdict rests on. */
  gapsConsidered: number;
  /** One sentence a person can read. */
  summary: string;
}

/** Counts of inter-arrival times in fixed logarithmic buckets (see INTER_ARRIVAL_BUCKETS_MS). */
export interface InterArrival {
  /** Upper bounds of the buckets, ms; the last bucket is everything above the last bound. */
  boundsMs: number[];
  counts: number[];
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

/** The latest packets, for the packet inspector. */
export interface PacketSummary {
  atMs: number;
  from: string;
  size: number;
  /** The first bytes of the payload as hex. */
  hex: string;
  /** What the decoder makes of it (message type, sequence, CRC), or null when not decoded. */
  decoded: string | null;
  /** What the decoder noticed on arrival (PacketFlags bits: CRC error, duplicate, late...); 0 when not decoded. */
  flags: number;
}

/** The sender's rate as the user states it, to compare with what arrived. */
export interface ExpectedRate {
  bytesPerSec?: number;
  packetsPerSec?: number;
}

/** Received against expected: "55% of the bytes". */
export interface ExpectedComparison {
  expectedBytes: number | null;
  expectedPackets: number | null;
  bytesRatio: number | null;
  packetsRatio: number | null;
}

/** Running totals of one stream. */
export interface ReceptionTotals {
  packets: number;
  bytes: number;
  /** From the start of listening to now (or to the stop). */
  durationMs: number;
  firstPacketMs: number | null;
  lastPacketMs: number | null;
  /** Share of the time between the first packet and now that was not inside a gap. */
  dutyCycle: number | null;
  gapCount: number;
  /** Total time inside closed gaps. */
  gapMs: number;
  expected: ExpectedComparison | null;
}

/** The gap that is going on right now: no packet since sinceMs, longer than the threshold. */
export interface OpenGap {
  startMs: number;
  durationMs: number;
}

/** Throughput per fixed-width bin from bin firstIndex on: a live delta's changed full-detail bins. */
export interface BinSeries {
  binMs: number;
  /** Index of the first bin in these arrays; bin i covers [i × binMs, (i + 1) × binMs) from the start of listening. */
  firstIndex: number;
  packets: number[];
  bytes: number[];
  /** Packets lost by the payload's sequence numbers, counted in the bin of the packet that revealed them (zeros without a decoder). */
  lost: number[];
}

/**
 * One coarse level of a saved throughput history: totals per bin and the extremes of the
 * full-detail bins inside. A level's newest bin counts only the complete bins of the level below
 * (the history adds the rest when read).
 */
export interface CoarseLevelSnapshot extends BinSeries {
  /** Complete bins without packets from firstIndex on that the arrays leave out (they start after them). */
  emptyBins?: number;
  /** Fewest bytes in one complete full-detail bin inside each bin; -1 while none is complete. */
  minBytes: number[];
  /** Most bytes in one complete full-detail bin inside; -1 while none is complete. */
  maxBytes: number[];
  /** Most packets lost in one complete full-detail bin inside; -1 while none is complete. */
  maxLost: number[];
}

/**
 * A stream's throughput history as it travels and is saved (shared/reception/throughputHistory.ts):
 * the full-detail bins of the recent window as a BinSeries, and coarser levels for the past. A
 * flat BinSeries from before levels existed reads as a history too.
 */
export interface HistorySnapshot extends BinSeries {
  /** The first bin the history knows: 0, unless it began at a change of bin width. */
  startIndex?: number;
  /** Coarser levels, finest first, each HISTORY_FACTOR times wider than the one before. */
  levels?: CoarseLevelSnapshot[];
}

/** Everything a monitor knows at one moment; the UI's full state for a stream and the CLI's report. */
export interface ReceptionSnapshot {
  nowMs: number;
  totals: ReceptionTotals;
  bins: HistorySnapshot;
  gaps: Gap[];
  openGap: OpenGap | null;
  gapThresholdMs: number;
  gapThresholdAutomatic: boolean;
  periodicity: Periodicity;
  interArrival: InterArrival;
  stalls: LocalStall[];
  recentPackets: PacketSummary[];
  /** Loss, reorder and jitter by the payload's sequence numbers; null when not decoding. */
  loss: DecodeStats | null;
  /** The pairing with `gapscope send` from the sender's account in the payload; absent or null when no datagram carried one. */
  pairing?: PairingSummary | null;
}

/** What changed since the previous update: sent at display rate, never per packet. */
export interface ReceptionDelta {
  nowMs: number;
  totals: ReceptionTotals;
  /**
   * Full-detail bins from the first one that changed since the previous delta up to the current
   * one; the whole history (a HistorySnapshot with levels) when changed bins had already left the
   * full-detail window, or when the delta stands for a snapshot. See ThroughputHistory.applyChanges.
   */
  bins: BinSeries | HistorySnapshot;
  newGaps: Gap[];
  openGap: OpenGap | null;
  gapThresholdMs: number;
  periodicity: Periodicity;
  interArrival: InterArrival;
  newStalls: LocalStall[];
  newPackets: PacketSummary[];
  loss: DecodeStats | null;
  /** The pairing with the sender, as in the snapshot; absent or null when no datagram carried an account. */
  pairing?: PairingSummary | null;
  /** Gaps located since the previous delta (the wire view locates a gap after it closed, so after a delta may have carried it). */
  locatedGaps?: { startMs: number; location: GapLocation }[];
}

/** What pairing says about one gap, by the sender's account (the stretch of sequence numbers the gap skipped). */
export interface PairedGap {
  /** Sequence numbers the sender handed out during the gap that did not arrive. */
  missing: number;
  /** Of those, refused by the sender's own OS: never sent. */
  refused: number;
  /** Sent and not received: lost on the path (the network, or this machine's buffers). */
  lostOnPath: number;
  /** The sender started a new run across the gap: it restarted, so nothing before and after compares. */
  restarted: boolean;
}

/** One step of a rate sweep as the listener saw it. */
export interface PairedStep {
  step: number;
  /** What the sweep varies, and this step's value (packets/s, bytes, datagrams per burst). */
  sweep: SweepKind;
  value: number;
  firstSequence: number;
  /** Numbered by the sender in this step (through the highest received when it is the newest step), less those its OS refused. */
  sent: number;
  received: number;
  lostOnPath: number;
  /** Gaps that closed inside this step. */
  gaps: number;
  /** Arrival of its first datagram, ms since listening started. */
  firstAtMs: number;
}

/** The stream's pairing with its sender, for the panel, the CLI and the report. */
export interface PairingSummary {
  /** The run being counted, as 8 hex digits; null until a believed account arrived. */
  run: string | null;
  /** Runs seen (more than 1: the sender restarted; counts are the newest run's). */
  runs: number;
  /** Datagrams whose account was believed. */
  accounts: number;
  /** Datagrams with an account that was not believed, and why the last one was not. */
  refusedAccounts: number;
  refusedReason: string | null;
  /** Forward jumps faster than a sender can send, not counted (a wrong or hostile sender). */
  implausibleJumps: number;
  /** Datagrams of a run seen before the current one (late, or a second sender on the port), not counted. */
  otherRunDatagrams: number;
  /** Counted from the first sequence number received (what was numbered before listening is not known). */
  firstSequence: number | null;
  /** By the sender's account: numbered through the highest received (or the whole run, once it ended), refused by its OS, sent. */
  numbered: number;
  refused: number;
  sent: number;
  /** Distinct sequence numbers received. */
  received: number;
  /** Sent and not received. */
  lostOnPath: number;
  /** The sender's end-of-run datagram arrived: these are its whole counts. */
  ended: boolean;
  /** A sweep's steps, in order; empty outside a sweep. */
  steps: PairedStep[];
  /** The first step with loss on the path, and the first with a gap; null when none. */
  firstLossStep: number | null;
  firstGapStep: number | null;
  /** One sentence a person reads. */
  text: string;
}
