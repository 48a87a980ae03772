/**
 * A stream's measurements as the UI holds them: the back end's snapshot, kept current by merging
 * its deltas. Pure functions (no React, no store), tested on their own.
 */
import type { Gap, LocalStall, PacketSummary, PairingSummary, ReceptionDelta, ReceptionSnapshot } from '../../../shared/reception/types';
import { ThroughputHistory } from '../../../shared/reception/throughputHistory';
import { stallFlag } from '../../../shared/reception/gapCause';

/** Everything the UI shows about one stream's reception: the back end's snapshot, with the history as a live model. */
export interface ReceptionState extends Omit<ReceptionSnapshot, 'bins' | 'recentPackets' | 'pairing'> {
  /** The throughput history, the same model the back end keeps, fed with its deltas (changes in place). */
  bins: ThroughputHistory;
  /** The latest packets, oldest first, at most the packet limit. */
  packets: PacketSummary[];
  /** The pairing with `gapscope send` (the sender's account in the payload); null when unpaired. */
  pairing: PairingSummary | null;
}

/** The state of a stream that has received nothing yet. */
export function emptyReception(binMs: number, gapThresholdAutomatic: boolean): ReceptionState {
  return {
    nowMs: 0,
    totals: { packets: 0, bytes: 0, durationMs: 0, firstPacketMs: null, lastPacketMs: null, dutyCycle: null, gapCount: 0, gapMs: 0, expected: null },
    bins: new ThroughputHistory(binMs),
    gaps: [],
    openGap: null,
    gapThresholdMs: 0,
    gapThresholdAutomatic,
    periodicity: { kind: 'none', everyBytes: null, everyMs: null, bytesSpread: null, timeSpread: null, gapsConsidered: 0, summary: 'Not enough gaps yet to look for a pattern.' },
    interArrival: { boundsMs: [], counts: [], p50Ms: null, p99Ms: null, maxMs: null },
    stalls: [],
    packets: [],
    loss: null,
    pairing: null,
  };
}

/** The UI's state from a full snapshot (a window that opens late starts here). */
export function fromSnapshot(s: ReceptionSnapshot, packetLimit: number): ReceptionState {
  return {
    nowMs: s.nowMs,
    totals: s.totals,
    bins: ThroughputHistory.fromSnapshot(s.bins, s.nowMs),
    gaps: s.gaps.slice(),
    openGap: s.openGap,
    gapThresholdMs: s.gapThresholdMs,
    gapThresholdAutomatic: s.gapThresholdAutomatic,
    periodicity: s.periodicity,
    interArrival: s.interArrival,
    stalls: s.stalls.slice(),
    packets: s.recentPackets.slice(-packetLimit),
    loss: s.loss,
    pairing: s.pairing ?? null,
  };
}

/**
 * Merges a live delta: totals and verdicts replace, the throughput history applies the delta's bins
 * (ThroughputHistory.applyChanges, the back end's own code), gaps and stalls are appended, packets
 * are ring-buffered to packetLimit. A delta older than the state (e.g. sent before a snapshot that
 * already counts it) changes nothing, and events the state already holds are not added twice.
 *
 * For speed the history changes in place (copying an hour of bins ten times a second would
 * dominate the UI); everything else is new, and so is the returned object.
 */
export function mergeDelta(state: ReceptionState, d: ReceptionDelta, packetLimit: number): ReceptionState {
  if (d.nowMs < state.nowMs) return state;
  state.bins.applyChanges(d.bins, d.nowMs);
  return {
    ...state,
    nowMs: d.nowMs,
    totals: d.totals,
    gaps: locate(relabel(appendAfter(state.gaps, d.newGaps), state.stalls.length, appendAfter(state.stalls, d.newStalls)), d.locatedGaps),
    openGap: d.openGap,
    gapThresholdMs: d.gapThresholdMs,
    periodicity: d.periodicity,
    interArrival: d.interArrival,
    stalls: appendAfter(state.stalls, d.newStalls),
    packets: appendPackets(state.packets, d.newPackets, packetLimit),
    loss: d.loss,
    pairing: d.pairing ?? null,
  };
}

/** Shortens the packet ring when the user shows fewer packets. */
export function limitPackets(state: ReceptionState, packetLimit: number): ReceptionState {
  return state.packets.length <= packetLimit ? state : { ...state, packets: state.packets.slice(-packetLimit) };
}

// A stall reported after its gap was sent relabels that gap, as the monitor does (stallFlag).
function relabel(gaps: Gap[], knownStalls: number, stalls: LocalStall[]): Gap[] {
  if (stalls.length === knownStalls || gaps.length === 0) return gaps;
  const since = stalls[knownStalls]!.startMs;
  let out = gaps;
  for (let i = gaps.length - 1; i >= 0 && gaps[i]!.endMs >= since; i--) {
    const cause = stallFlag(gaps[i]!, stalls);
    if (cause === gaps[i]!.cause) continue;
    if (out === gaps) out = gaps.slice();
    out[i] = { ...gaps[i]!, cause };
  }
  return out;
}

// The wire view locates a gap after a delta may have carried it: the location joins the gap then.
function locate(gaps: Gap[], located: ReceptionDelta['locatedGaps']): Gap[] {
  if (!located?.length) return gaps;
  const out = gaps.slice();
  for (const { startMs, location } of located) {
    for (let i = out.length - 1; i >= 0 && out[i]!.startMs >= startMs; i--) if (out[i]!.startMs === startMs) out[i] = { ...out[i]!, location };
  }
  return out;
}

// Gaps and stalls are chronological and disjoint: anything not after the last one is already known.
function appendAfter<T extends { startMs: number }>(known: T[], fresh: T[]): T[] {
  if (fresh.length === 0) return known;
  const last = known[known.length - 1];
  const add = last ? fresh.filter((g) => g.startMs > last.startMs) : fresh;
  return add.length === 0 ? known : known.concat(add);
}

function samePacket(a: PacketSummary, b: PacketSummary): boolean {
  return a.atMs === b.atMs && a.from === b.from && a.size === b.size && a.hex === b.hex;
}

function appendPackets(known: PacketSummary[], fresh: PacketSummary[], limit: number): PacketSummary[] {
  if (fresh.length === 0) return known.length > limit ? known.slice(-limit) : known;
  const last = known[known.length - 1];
  let add = fresh;
  if (last) {
    // Packets at the same millisecond as the newest known one may or may not be known already.
    const sameMs = known.filter((p) => p.atMs === last.atMs);
    add = fresh.filter((p) => p.atMs > last.atMs || (p.atMs === last.atMs && !sameMs.some((q) => samePacket(p, q))));
  }
  const all = add.length === 0 ? known : known.concat(add);
  return all.length > limit ? all.slice(-limit) : all;
}

/** Rates over the last complete second (or the last complete bin when bins are longer). */
export interface RecentRates {
  packetsPerSec: number;
  bytesPerSec: number;
}

/** The current rate, from the newest complete full-detail bins: the bin still filling would read low. */
export function recentRates(state: ReceptionState, windowMs = 1000): RecentRates {
  const h = state.bins;
  const binMs = h.binMs;
  const lastComplete = Math.floor(state.nowMs / binMs) - 1;
  if (lastComplete < 0) return { packetsPerSec: 0, bytesPerSec: 0 };
  const n = Math.max(1, Math.round(windowMs / binMs));
  const from = Math.max(0, lastComplete - n + 1);
  const bins = h.binsAt(0, from * binMs, (lastComplete + 1) * binMs);
  let p = 0;
  let b = 0;
  let ms = 0;
  for (let i = 0; i < bins.packets.length; i++) {
    p += bins.packets[i]!;
    b += bins.bytes[i]!;
    ms += bins.durationMs[i]!;
  }
  const seconds = (ms || (lastComplete - from + 1) * binMs) / 1000;
  return { packetsPerSec: p / seconds, bytesPerSec: b / seconds };
}

/** Average rates since the first packet, for context beside the current ones. */
export function averageRates(state: ReceptionState): RecentRates {
  const { totals } = state;
  if (totals.firstPacketMs === null) return { packetsPerSec: 0, bytesPerSec: 0 };
  const seconds = Math.max(0.001, (state.nowMs - totals.firstPacketMs) / 1000);
  return { packetsPerSec: totals.packets / seconds, bytesPerSec: totals.bytes / seconds };
}
