/**
 * Whether a stream's gaps keep the Wi-Fi's own time: a station in power save wakes for the access
 * point's buffered broadcast and multicast only at DTIM beacons (every DTIM period x beacon
 * interval, the interval in TU of 1.024 ms), and a unicast sender's frames wait for its wake-ups
 * too; gaps that recur with that period (or a small multiple of it, when beacons are missed) point
 * at the Wi-Fi's power saving rather than at the network or the sender. Pure: the gap periodicity
 * (findPeriodicity) against the link's numbers (shared/network/wifi.ts).
 */
import { formatDuration } from '../format';
import type { Periodicity } from './types';

/** One TU (time unit) of 802.11, in ms. */
export const TU_MS = 1.024;
/** How far from a whole multiple a period may be and still match (10%, the periodicity's own "regular"). */
export const RHYTHM_TOLERANCE = 0.1;
/** The largest multiple of the DTIM interval still taken as the Wi-Fi's (missed beacons). */
export const MAX_MULTIPLE = 4;

/** The link's numbers, as the Wi-Fi reader gives them. */
export interface WifiTiming {
  beaconIntervalTu?: number | null;
  dtimPeriod?: number | null;
  /** Whether the station's power save is on, where known. */
  powerSave?: boolean | null;
}

/** What the Wi-Fi's rhythm says about the gaps. */
export interface WifiRhythm {
  /** dtim: the gaps recur with the DTIM interval (or a multiple); beacon: with the beacon interval; none: with neither; unknown: not enough to tell. */
  kind: 'dtim' | 'beacon' | 'none' | 'unknown';
  /** The DTIM interval, ms (DTIM period x beacon interval x 1.024). */
  dtimMs: number | null;
  /** Which multiple of the matched interval the gaps' period is. */
  multiple: number | null;
  summary: string;
}

function matches(periodMs: number, intervalMs: number): number | null {
  const k = Math.round(periodMs / intervalMs);
  if (k < 1 || k > MAX_MULTIPLE) return null;
  return Math.abs(periodMs - k * intervalMs) <= RHYTHM_TOLERANCE * intervalMs ? k : null;
}

/** Compares the gaps' period with the link's DTIM and beacon intervals. */
export function wifiRhythm(p: Periodicity, w: WifiTiming): WifiRhythm {
  const beaconMs = w.beaconIntervalTu ? w.beaconIntervalTu * TU_MS : null;
  const dtimMs = beaconMs !== null && w.dtimPeriod ? w.dtimPeriod * beaconMs : null;
  if (beaconMs === null) return { kind: 'unknown', dtimMs: null, multiple: null, summary: 'The Wi-Fi link did not say its beacon interval: its rhythm cannot be compared with the gaps.' };
  if (p.kind !== 'time' || p.everyMs === null) {
    return { kind: 'unknown', dtimMs, multiple: null, summary: 'The gaps do not recur at a regular time, so they do not follow the Wi-Fi\u2019s beacons.' };
  }
  const every = formatDuration(p.everyMs);
  const ps = w.powerSave === true ? ' Power save is on: turn it off (Linux: iw dev IFACE set power_save off) and see whether the gaps stop.' : w.powerSave === false ? ' Power save is reported off, so a sleeping station is less likely; the access point may still hold frames for other stations.' : '';
  const k = dtimMs !== null ? matches(p.everyMs, dtimMs) : null;
  if (k !== null) {
    const of = k === 1 ? 'the DTIM interval' : `${k} \u00d7 the DTIM interval`;
    return { kind: 'dtim', dtimMs, multiple: k, summary: `The gaps recur every ${every}, ${of} (DTIM period ${w.dtimPeriod} \u00d7 beacon interval ${w.beaconIntervalTu} TU = ${formatDuration(dtimMs!)}): likely the Wi-Fi\u2019s power saving, which delivers buffered frames only at DTIM beacons.${ps}` };
  }
  const b = matches(p.everyMs, beaconMs);
  if (b !== null) {
    return { kind: 'beacon', dtimMs, multiple: b, summary: `The gaps recur every ${every}, ${b === 1 ? 'the beacon interval' : `${b} \u00d7 the beacon interval`} (${w.beaconIntervalTu} TU = ${formatDuration(beaconMs)}): likely the Wi-Fi\u2019s beacon rhythm (power save, or scanning).${ps}` };
  }
  return { kind: 'none', dtimMs, multiple: null, summary: `The gaps recur every ${every}, which is not the Wi-Fi\u2019s beacon interval (${formatDuration(beaconMs)})${dtimMs !== null ? ` nor its DTIM interval (${formatDuration(dtimMs)})` : ''}: look elsewhere than its power saving.` };
}

/** How many gaps before power save went off make "they stopped" worth saying. */
export const GAPS_BEFORE_OFF = 3;

/** Each change of the station's power save during the stream, ms on the stream's clock. */
export type PowerSaveChange = { atMs: number; on: boolean };

/**
 * Whether the gaps stopped when power save was turned off during the stream: at least
 * GAPS_BEFORE_OFF gaps before the last change to off, none since, and the time since at least
 * three times their usual spacing (so that the quiet is not just the next gap's turn). Null when
 * power save was not turned off during the stream, or the gaps did not stop.
 */
export function gapsStoppedWithPowerSave(gaps: readonly { startMs: number }[], changes: readonly PowerSaveChange[], nowMs: number): string | null {
  // The last change must be to off: turned on again since, the gaps may well come back.
  const off = changes[changes.length - 1];
  if (!off || off.on) return null;
  const gapStarts = gaps.map((g) => g.startMs);
  const before = gapStarts.filter((s) => s < off.atMs);
  const after = gapStarts.filter((s) => s >= off.atMs);
  if (before.length < GAPS_BEFORE_OFF || after.length > 0) return null;
  const spans = before.slice(1).map((s, i) => s - before[i]!);
  const spacing = spans.length ? [...spans].sort((a, b) => a - b)[Math.floor(spans.length / 2)]! : 0;
  const quiet = nowMs - off.atMs;
  if (quiet < 3 * spacing) return null;
  return `The gaps stopped when power save was turned off: ${before.length} gaps in the ${formatDuration(off.atMs - before[0]!)} before, none in the ${formatDuration(quiet)} since. The Wi-Fi's power saving was the likely cause.`;
}

/** The Wi-Fi's part of a stream's verdict: the rhythm, power save going off, or why neither can be said. */
export interface WifiVerdict {
  /** dtim/beacon: the gaps keep the Wi-Fi's time; power-save-off: they stopped with power save; none: neither; unknown: not enough to tell. */
  kind: WifiRhythm['kind'] | 'power-save-off';
  summary: string;
}

/** The one sentence the reception view, the report and the CLI print about the Wi-Fi the stream arrives on. */
export function wifiVerdict(p: Periodicity, gaps: readonly { startMs: number }[], wifi: (WifiTiming & { iface?: string | null; note?: string | null; powerSaveChanges?: PowerSaveChange[] }), nowMs: number): WifiVerdict {
  const stopped = gapsStoppedWithPowerSave(gaps, wifi.powerSaveChanges ?? [], nowMs);
  if (stopped) return { kind: 'power-save-off', summary: stopped };
  const r = wifiRhythm(p, wifi);
  const on = wifi.iface ? `Wi-Fi ${wifi.iface}: ` : 'Wi-Fi: ';
  if (r.kind === 'unknown' && wifi.beaconIntervalTu == null) {
    const ps = wifi.powerSave === true ? ' Power save is on, which can hold frames until the station wakes.' : '';
    return { kind: 'unknown', summary: `${on}${wifi.note ?? r.summary}${ps}` };
  }
  return { kind: r.kind, summary: `${on}${wifi.iface ? r.summary.replace('IFACE', wifi.iface) : r.summary}` };
}
