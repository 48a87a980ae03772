/** The report that `gapscope listen --json` prints and that exports will carry: one stable shape. */
import { gapCause, type GapCauseCode } from './gapCause';
import type { Gap, GapLocation, InterArrival, LocalStall, Periodicity, ReceptionSnapshot, ExpectedComparison } from './types';
import { ThroughputHistory } from './throughputHistory';
import type { WifiTiming, WifiVerdict } from './wifiRhythm';
import type { SnoopingVerdict } from './multicastSnooping';

/**
 * The report's shape, for readers to check: 2 since a gap's `cause` is the one decided code
 * (gapCause.ts) with its words in `causeText`; version 1 (no field) had the detector's raw
 * `unexplained` / `local-stall` there.
 */
export const REPORT_VERSION = 2;

/** A gap as reports and exports carry it: the monitor's gap with its one decided cause. */
export interface ReportGap extends Omit<Gap, 'cause'> {
  /** sender-paused, packets-lost, local-stall or unknown: the same code in every export. */
  cause: GapCauseCode;
  /** The cause in the words the gap table shows. */
  causeText: string;
}

/** A finished measurement of one stream, as scripts read it. */
export interface ReceptionReport {
  reportVersion: typeof REPORT_VERSION;
  stream: Record<string, unknown>;
  startedAt: string;
  packets: number;
  bytes: number;
  durationMs: number;
  firstPacketMs: number | null;
  lastPacketMs: number | null;
  gapThresholdMs: number;
  gapThresholdAutomatic: boolean;
  gaps: ReportGap[];
  gapCount: number;
  /** Silence at the end of the run longer than the threshold, if any. */
  trailingSilenceMs: number | null;
  dutyCycle: number | null;
  periodicity: Periodicity;
  interArrival: InterArrival;
  localStalls: LocalStall[];
  expected: ExpectedComparison | null;
  /** By the payload's sequence numbers, counted as iperf counts them; null when not decoding or no sequence. */
  loss: { received: number; expected: number | null; lost: number | null; duplicates: number | null; reordered: number | null } | null;
  /** RFC 3550 jitter from the payload's send times, ms. */
  jitterMs: number | null;
  /** The format decoded and what its numbers mean. */
  decode: { format: string; crcErrors: number; notes: string[] } | null;
  binMs: number;
  /** One row per bin; `lost` counts packets lost by sequence number, revealed in that bin. */
  bins: { startMs: number; packets: number; bytes: number; lost: number }[];
  /** The Wi-Fi link the stream may have arrived on, as last read, and what its timing says about the gaps; absent off Wi-Fi. */
  wifi?: WifiTiming & { iface: string | null; source: string; note: string | null; verdict: WifiVerdict };
  /** A multicast stream's silences against IGMP/MLD snooping without a querier, and the querier heard (multicastSnooping.ts). */
  snooping?: SnoopingVerdict;
  [extra: string]: unknown;
}

/** The bins a report lists, as flat typed arrays: cheap to hand to a worker (a copy of memory, not of objects). */
export interface ReportBins {
  binMs: number;
  startMs: Float64Array;
  packets: Float64Array;
  bytes: Float64Array;
  lost: Float64Array;
}

/** One row per bin of the finest level of a history that reaches back to the start (coarser for long runs). */
export function reportBins(history: ThroughputHistory): ReportBins {
  const bins = history.binsAt(history.levelCovering(0), 0, history.endMs);
  return { binMs: bins.binMs, startMs: Float64Array.from(bins.startMs), packets: Float64Array.from(bins.packets), bytes: Float64Array.from(bins.bytes), lost: Float64Array.from(bins.lost) };
}

/**
 * A stream's gaps as flat columns, for the same reason as ReportBins: a worker receives 100,000 gaps
 * (the monitor's MAX_GAPS) as a few blocks of memory, where as objects their copy alone blocks the page.
 * NaN stands for null (no sequence numbers, drops not read).
 */
export interface GapColumns {
  startMs: Float64Array;
  endMs: Float64Array;
  durationMs: Float64Array;
  packetsBefore: Float64Array;
  bytesBefore: Float64Array;
  lostPackets: Float64Array;
  /** 1 where the detector saw Gapscope itself stalled ('local-stall'), 0 for 'unexplained'. */
  localStall: Uint8Array;
  socketDrops: Float64Array;
  /** 0: not read, 1: this socket's counter, 2: the machine's. */
  socketDropsScope: Uint8Array;
  suggestedRecvBufferBytes: Float64Array;
  /** The paired sender's account of the gap (Gap.paired): NaN in pairedMissing where there is none; restarted 1 or 0. */
  pairedMissing: Float64Array;
  pairedRefused: Float64Array;
  pairedLost: Float64Array;
  pairedRestarted: Uint8Array;
  /** 0: no restart; else 1 + the index of the reason in RESTART_REASONS. */
  deviceRestart: Uint8Array;
  /** Where the wire view says the gap's datagrams were lost (Gap.location): 0 not located, else 1 + the index in WHERE; its numbers in the four columns after, 1 in locationByTime where matched by counts. */
  locationWhere: Uint8Array;
  locationByTime: Uint8Array;
  locationMissed: Float64Array;
  locationBeforeWire: Float64Array;
  locationSocketBuffer: Float64Array;
  locationAfterWire: Float64Array;
}

/** The device's restart reasons in the order the columns number them. */
const RESTART_REASONS = ['sequence', 'jump', 'ssrc', 'boot-time', 'heartbeat', 'new-run'] as const satisfies readonly NonNullable<Gap['deviceRestart']>[];

/** The locations' kinds in the order the columns number them. */
const WHERE = ['none', 'before-wire', 'socket-buffer', 'after-wire', 'mixed'] as const satisfies readonly GapLocation['where'][];

const SCOPES = [undefined, 'socket', 'machine'] as const;
const orNaN = (v: number | null | undefined): number => (v === null || v === undefined ? Number.NaN : v);
const orNull = (v: number): number | null => (Number.isNaN(v) ? null : v);

/** The gaps as columns (gapsFromColumns gives them back). */
export function gapColumns(gaps: readonly Gap[]): GapColumns {
  const n = gaps.length;
  const c: GapColumns = { startMs: new Float64Array(n), endMs: new Float64Array(n), durationMs: new Float64Array(n), packetsBefore: new Float64Array(n), bytesBefore: new Float64Array(n), lostPackets: new Float64Array(n), localStall: new Uint8Array(n), socketDrops: new Float64Array(n), socketDropsScope: new Uint8Array(n), suggestedRecvBufferBytes: new Float64Array(n), pairedMissing: new Float64Array(n), pairedRefused: new Float64Array(n), pairedLost: new Float64Array(n), pairedRestarted: new Uint8Array(n), deviceRestart: new Uint8Array(n), locationWhere: new Uint8Array(n), locationByTime: new Uint8Array(n), locationMissed: new Float64Array(n), locationBeforeWire: new Float64Array(n), locationSocketBuffer: new Float64Array(n), locationAfterWire: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const g = gaps[i]!;
    c.startMs[i] = g.startMs;
    c.endMs[i] = g.endMs;
    c.durationMs[i] = g.durationMs;
    c.packetsBefore[i] = g.packetsBefore;
    c.bytesBefore[i] = g.bytesBefore;
    c.lostPackets[i] = orNaN(g.lostPackets);
    c.localStall[i] = g.cause === 'local-stall' ? 1 : 0;
    c.socketDrops[i] = orNaN(g.socketDrops);
    c.socketDropsScope[i] = g.socketDropsScope === 'socket' ? 1 : g.socketDropsScope === 'machine' ? 2 : 0;
    c.suggestedRecvBufferBytes[i] = orNaN(g.suggestedRecvBufferBytes);
    c.pairedMissing[i] = orNaN(g.paired?.missing);
    c.pairedRefused[i] = g.paired?.refused ?? 0;
    c.pairedLost[i] = g.paired?.lostOnPath ?? 0;
    c.pairedRestarted[i] = g.paired?.restarted ? 1 : 0;
    c.deviceRestart[i] = g.deviceRestart ? RESTART_REASONS.indexOf(g.deviceRestart) + 1 : 0;
    const l = g.location;
    if (l) {
      c.locationWhere[i] = WHERE.indexOf(l.where) + 1;
      c.locationByTime[i] = l.matchedBy === 'time' ? 1 : 0;
      c.locationMissed[i] = l.missed;
      c.locationBeforeWire[i] = l.beforeWire;
      c.locationSocketBuffer[i] = l.socketBuffer;
      c.locationAfterWire[i] = l.afterWire;
    }
  }
  return c;
}

/** The gaps the columns hold; a gap whose drops were not read has no socketDrops fields, as the monitor leaves them. */
export function gapsFromColumns(c: GapColumns): Gap[] {
  const out = new Array<Gap>(c.startMs.length);
  for (let i = 0; i < out.length; i++) {
    const g: Gap = { startMs: c.startMs[i]!, endMs: c.endMs[i]!, durationMs: c.durationMs[i]!, packetsBefore: c.packetsBefore[i]!, bytesBefore: c.bytesBefore[i]!, cause: c.localStall[i] ? 'local-stall' : 'unexplained', lostPackets: orNull(c.lostPackets[i]!) };
    const restart = c.deviceRestart[i] ? RESTART_REASONS[c.deviceRestart[i]! - 1] : undefined;
    if (restart) g.deviceRestart = restart;
    const drops = orNull(c.socketDrops[i]!);
    if (drops !== null) {
      g.socketDrops = drops;
      const scope = SCOPES[c.socketDropsScope[i]!];
      if (scope) g.socketDropsScope = scope;
      g.suggestedRecvBufferBytes = orNull(c.suggestedRecvBufferBytes[i]!);
    }
    const missing = orNull(c.pairedMissing[i]!);
    if (missing !== null) g.paired = { missing, refused: c.pairedRefused[i]!, lostOnPath: c.pairedLost[i]!, restarted: c.pairedRestarted[i] === 1 };
    const where = c.locationWhere[i] ? WHERE[c.locationWhere[i]! - 1] : undefined;
    if (where) g.location = { where, matchedBy: c.locationByTime[i] ? 'time' : 'sequence', missed: c.locationMissed[i]!, beforeWire: c.locationBeforeWire[i]!, socketBuffer: c.locationSocketBuffer[i]!, afterWire: c.locationAfterWire[i]! };
    out[i] = g;
  }
  return out;
}

/** Builds the report from a final snapshot; `stream` describes what was listened to. */
export function buildReport(snapshot: ReceptionSnapshot, stream: Record<string, unknown>, startedAt: number): ReceptionReport {
  return buildReportWithBins(snapshot, reportBins(ThroughputHistory.fromSnapshot(snapshot.bins, snapshot.nowMs)), stream, startedAt);
}

/** Builds the report from a snapshot whose bins were taken already (reportBins): what an export worker receives. */
export function buildReportWithBins(snapshot: Omit<ReceptionSnapshot, 'bins'>, bins: ReportBins, stream: Record<string, unknown>, startedAt: number): ReceptionReport {
  const { totals } = snapshot;
  const rows = new Array<ReceptionReport['bins'][number]>(bins.startMs.length);
  for (let i = 0; i < rows.length; i++) rows[i] = { startMs: bins.startMs[i]!, packets: bins.packets[i]!, bytes: bins.bytes[i]!, lost: bins.lost[i]! };
  return {
    reportVersion: REPORT_VERSION,
    stream,
    startedAt: new Date(startedAt).toISOString(),
    packets: totals.packets,
    bytes: totals.bytes,
    durationMs: round(totals.durationMs),
    firstPacketMs: totals.firstPacketMs === null ? null : round(totals.firstPacketMs),
    lastPacketMs: totals.lastPacketMs === null ? null : round(totals.lastPacketMs),
    gapThresholdMs: round(snapshot.gapThresholdMs),
    gapThresholdAutomatic: snapshot.gapThresholdAutomatic,
    gaps: snapshot.gaps.map(reportGap),
    gapCount: totals.gapCount,
    trailingSilenceMs: snapshot.openGap ? round(snapshot.openGap.durationMs) : null,
    dutyCycle: totals.dutyCycle,
    periodicity: snapshot.periodicity,
    interArrival: snapshot.interArrival,
    localStalls: snapshot.stalls,
    expected: totals.expected,
    loss: snapshot.loss ? { received: snapshot.loss.received, expected: snapshot.loss.expected, lost: snapshot.loss.lost, duplicates: snapshot.loss.duplicates, reordered: snapshot.loss.reordered } : null,
    jitterMs: snapshot.loss?.jitterMs ?? null,
    decode: snapshot.loss ? { format: snapshot.loss.format, crcErrors: snapshot.loss.crcErrors, notes: snapshot.loss.notes } : null,
    binMs: bins.binMs,
    bins: rows,
    ...(snapshot.pairing ? { pairing: snapshot.pairing } : {}),
  };
}

/** A monitor's gap as the report carries it, times rounded to the microsecond. */
export function reportGap(g: Gap): ReportGap {
  const cause = gapCause(g);
  return { startMs: round(g.startMs), endMs: round(g.endMs), durationMs: round(g.durationMs), packetsBefore: g.packetsBefore, bytesBefore: g.bytesBefore, lostPackets: g.lostPackets, cause: cause.code, causeText: cause.text, ...(g.socketDrops != null ? { socketDrops: g.socketDrops, socketDropsScope: g.socketDropsScope, suggestedRecvBufferBytes: g.suggestedRecvBufferBytes ?? null } : {}), ...(g.location ? { location: g.location } : {}), ...(g.paired ? { paired: g.paired } : {}), ...(g.deviceRestart ? { deviceRestart: g.deviceRestart } : {}) };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
