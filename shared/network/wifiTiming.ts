/**
 * The Wi-Fi link's own timing, for the reception view's "the Wi-Fi's rhythm" (shared/reception/wifiRhythm.ts):
 * the access point's beacon interval and DTIM period and the station's power save, read from the
 * tools that say them without special rights. Only Linux's iw says any of them (`iw dev X link`,
 * `iw dev X station dump`, `iw dev X get power_save`); macOS's system_profiler and wdutil and
 * Windows' netsh print none of the three (see fixtures/SOURCES.md), and the reading says so.
 */
import type { WifiTiming } from '../reception/wifiRhythm';

/** What Gapscope could read of the Wi-Fi link a stream arrives on, with what it could not and why. */
export interface WifiLinkTiming extends WifiTiming {
  /** The wireless interface read (wlan0, en0, Wi-Fi). */
  iface: string | null;
  /** The tools the numbers come from, e.g. "iw link, iw station dump, iw get power_save". */
  source: string;
  /** Beacons the station missed since it associated (iw station dump), where shown. */
  beaconLoss?: number | null;
  /** What is missing and why, in one sentence; null when all three numbers were read. */
  note: string | null;
  /** Wall-clock ms of the reading. */
  readAt: number;
  /** Each change of power save seen while the stream ran, ms on the stream's clock. */
  powerSaveChanges?: { atMs: number; on: boolean }[];
}

const number = (v: string | undefined): number | null => {
  const m = v === undefined ? null : /-?\d+/.exec(v);
  return m ? Number(m[0]) : null;
};

/** `iw dev X get power_save`: "Power save: on" or "off"; null when the text says neither. */
export function parseIwPowerSave(text: string): boolean | null {
  const m = /^\s*Power save:\s*(on|off)\b/im.exec(text);
  return m ? m[1]!.toLowerCase() === 'on' : null;
}

/**
 * `iw dev X station dump` on a client: one "Station BSSID (on X)" block, the access point, whose
 * "DTIM period" and "beacon interval" the kernel reports (newer kernels; 0 means not known), and
 * "beacon loss". Null when there is no station (not associated).
 */
export function parseIwStationDump(text: string): { bssid: string; beaconIntervalTu: number | null; dtimPeriod: number | null; beaconLoss: number | null } | null {
  const lines = text.split(/\r?\n/);
  const head = lines.findIndex((l) => /^Station\s+\S+/.test(l.trim()));
  if (head < 0) return null;
  const bssid = /^Station\s+(\S+)/.exec(lines[head]!.trim())![1]!.toLowerCase();
  const fields = new Map<string, string>();
  for (const line of lines.slice(head + 1)) {
    const t = line.trim();
    // The next station, or the per-link blocks of a multi-link station: the first block is the station's own.
    if (/^Station\s/.test(t) || /^Link \d+:$/.test(t)) break;
    const i = t.indexOf(':');
    if (i > 0 && !fields.has(t.slice(0, i).trim())) fields.set(t.slice(0, i).trim(), t.slice(i + 1).trim());
  }
  return { bssid, beaconIntervalTu: number(fields.get('beacon interval')) || null, dtimPeriod: number(fields.get('DTIM period')) || null, beaconLoss: number(fields.get('beacon loss')) };
}

/** Joins what iw's three commands said into one reading; any of them may be missing (null). */
export function iwTiming(iface: string, parts: { link?: { beaconIntervalTu?: number | null; dtimPeriod?: number | null } | null; station?: ReturnType<typeof parseIwStationDump>; powerSave?: boolean | null; failed?: string[] }, readAt: number): WifiLinkTiming {
  const beaconIntervalTu = parts.link?.beaconIntervalTu ?? parts.station?.beaconIntervalTu ?? null;
  const dtimPeriod = parts.link?.dtimPeriod ?? parts.station?.dtimPeriod ?? null;
  const powerSave = parts.powerSave ?? null;
  const source = [parts.link ? 'iw link' : null, parts.station ? 'iw station dump' : null, powerSave !== null ? 'iw get power_save' : null].filter((s) => s !== null).join(', ') || 'iw';
  const missing = [beaconIntervalTu === null ? 'the beacon interval' : null, dtimPeriod === null ? 'the DTIM period' : null, powerSave === null ? 'power save' : null].filter((s) => s !== null);
  const why = parts.failed?.length ? ` (${parts.failed.join('; ')})` : '';
  const note = missing.length === 0 ? null : `iw did not say ${joinWords(missing)} for ${iface}${why}.`;
  return { iface, source, beaconIntervalTu, dtimPeriod, powerSave, beaconLoss: parts.station?.beaconLoss ?? null, note, readAt };
}

/** What macOS and Windows give: a link with none of the three numbers, said plainly. */
export function timingNotShown(iface: string | null, tool: 'system_profiler' | 'netsh', readAt: number): WifiLinkTiming {
  const what = tool === 'netsh' ? 'Windows (netsh wlan show interfaces)' : 'macOS (system_profiler SPAirPortDataType, wdutil info)';
  return { iface, source: tool, beaconIntervalTu: null, dtimPeriod: null, powerSave: null, note: `${what} does not show the access point's beacon interval, DTIM period or the power save state, so the gaps cannot be compared with the Wi-Fi's rhythm here.`, readAt };
}

function joinWords(words: string[]): string {
  return words.length < 2 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}
