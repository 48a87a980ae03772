/** Pure shaping of import and compare results for the Import tab: flow rows, progress text, the compare chart's points. */
import type { CaptureCompare, ImportProgress } from '../../../shared/contract/capture';
import type { UdpFlow } from '../../../shared/capture/flows';
import type { ChartView } from '../reception/chart/view';
import { minSpanMs } from '../reception/chart/view';
import { formatBytes, formatCount } from '../../format';


/** One flow as the table shows it. */
export interface FlowRow {
  id: string;
  source: string;
  destination: string;
  packets: number;
  bytes: number;
  /** Seconds from the capture's first frame. */
  firstSec: number;
  lastSec: number;
  reassembled: number;
}

/** Flow rows with times relative to the capture's first frame, as Wireshark shows them. */
export function flowRows(flows: readonly UdpFlow[], firstFrameMs: number | null): FlowRow[] {
  const origin = firstFrameMs ?? (flows.length ? Math.min(...flows.map((f) => f.firstMs)) : 0);
  return flows.map((f) => {
    const [source = f.id, destination = ''] = f.id.split(' > ');
    return { id: f.id, source, destination, packets: f.packets, bytes: f.bytes, firstSec: (f.firstMs - origin) / 1000, lastSec: (f.lastMs - origin) / 1000, reassembled: f.reassembled };
  });
}

/** "1.2 MB of 4.0 MB · 12,345 frames", and the fraction done (0–1). */
export function progressText(p: ImportProgress): { text: string; fraction: number } {
  const fraction = p.totalBytes > 0 ? Math.min(1, p.bytesRead / p.totalBytes) : 0;
  return { text: `${formatBytes(p.bytesRead)} of ${formatBytes(p.totalBytes)} · ${formatCount(p.packets)} frames`, fraction };
}

/** One point of the compare chart: both sides' throughput and the byte difference of a bin. */
export interface ComparePoint {
  /** ms from the compare's time 0. */
  t: number;
  aRate: number;
  bRate: number;
  /** A − B bytes in the (merged) bin. */
  diff: number;
  missingInB: number;
}

/** The compare's bins as chart points, merging neighbours so that at most `maxPoints` remain. */
export function comparePoints(report: Pick<CaptureCompare, 'bins' | 'binMs'>, maxPoints = 1600): ComparePoint[] {
  const bins = report.bins;
  const group = Math.max(1, Math.ceil(bins.length / maxPoints));
  const out: ComparePoint[] = [];
  for (let i = 0; i < bins.length; i += group) {
    let a = 0;
    let b = 0;
    let diff = 0;
    let missing = 0;
    const end = Math.min(bins.length, i + group);
    const widthMs = report.binMs * (end - i);
    for (let k = i; k < end; k++) {
      const x = bins[k]!;
      a += x.aBytes;
      b += x.bBytes;
      diff += x.diffBytes;
      missing += x.missingInB;
    }
    out.push({ t: bins[i]!.startMs, aRate: (a * 1000) / widthMs, bRate: (b * 1000) / widthMs, diff, missingInB: missing });
  }
  return out;
}

/** Missing packets shown per side; the report lists up to 1000 and counts them all. */
export const MISSING_SHOWN = 200;

/** The chart window that shows an imported flow whole (ms since the stream's start), with a little room on each side. */
export function importedChartView(firstMs: number, lastMs: number, binMs: number): ChartView {
  const margin = Math.max((lastMs - firstMs) * 0.05, binMs);
  const spanMs = Math.max(lastMs - firstMs + 2 * margin, minSpanMs(binMs));
  return { follow: false, spanMs, endMs: Math.max(spanMs, lastMs + margin) };
}

/** Where a recorded session's capture is: its own full path (a --record file), else in the session's folder in the library. */
export function sessionCapturePath(libraryFolder: string, sessionId: string, capture: string): string {
  if (/^(\/|[A-Za-z]:[\\/]|\\\\)/.test(capture)) return capture;
  const sep = libraryFolder.includes('\\') && !libraryFolder.includes('/') ? '\\' : '/';
  return [libraryFolder.replace(/[\\/]+$/, ''), sessionId, capture].join(sep);
}
