/** The stat tiles of a stream as plain data: what each says, how loud, and the number behind it. */
import type { StreamInfo } from '../../shared/contract';
import { formatEndpoint } from '../../shared/net/address';
import { formatBufferSize, formatByteRate, formatBytes, formatCount, formatDuration, formatPacketRate, formatPercent } from '../format';
import { averageRates, recentRates, type ReceptionState } from '../store/reception';

/** How a tile should draw attention. */
export type Tone = 'neutral' | 'good' | 'warn' | 'bad';

/** One tile: a label, a big value, a line of detail, and the raw number for tests and tooltips. */
export interface StatTile {
  id: 'packets' | 'bytes' | 'packet-rate' | 'throughput' | 'duty-cycle' | 'gaps' | 'expected' | 'buffer' | 'open-gap';
  label: string;
  value: string;
  detail: string | null;
  raw: number | null;
  tone: Tone;
  /** A longer explanation for the tooltip. */
  hint?: string;
}

/** The name people see for a stream: its label, or where it listens. */
export function streamTitle(info: StreamInfo): string {
  if (info.config.label) return info.config.label;
  const any = info.family === 'ipv6' ? '::' : '0.0.0.0';
  return formatEndpoint(info.config.address ?? any, info.config.port);
}

function ratioTone(r: number): Tone {
  return r >= 0.98 ? 'good' : r >= 0.9 ? 'warn' : 'bad';
}

/** Everything the stat tiles show for one stream, in display order. */
export function statTiles(info: StreamInfo, r: ReceptionState): StatTile[] {
  const t = r.totals;
  const now = recentRates(r);
  const avg = averageRates(r);
  const running = info.status === 'listening' || info.status === 'starting';
  const tiles: StatTile[] = [
    { id: 'packets', label: 'Packets', value: formatCount(t.packets), detail: t.lastPacketMs === null ? 'none yet' : `last at ${(t.lastPacketMs / 1000).toFixed(1)} s`, raw: t.packets, tone: 'neutral' },
    { id: 'bytes', label: 'Bytes', value: formatBytes(t.bytes), detail: `${formatCount(t.bytes)} B of payload`, raw: t.bytes, tone: 'neutral' },
    { id: 'packet-rate', label: 'Packets/s', value: formatPacketRate(running ? now.packetsPerSec : avg.packetsPerSec), detail: running ? `avg ${formatPacketRate(avg.packetsPerSec)}` : 'average', raw: running ? now.packetsPerSec : avg.packetsPerSec, tone: 'neutral', hint: 'Over the last complete second; the average runs from the first packet.' },
    { id: 'throughput', label: 'Throughput', value: formatByteRate(running ? now.bytesPerSec : avg.bytesPerSec), detail: running ? `avg ${formatByteRate(avg.bytesPerSec)}` : 'average', raw: running ? now.bytesPerSec : avg.bytesPerSec, tone: 'neutral' },
  ];
  tiles.push(
    t.dutyCycle === null
      ? { id: 'duty-cycle', label: 'Duty cycle', value: '—', detail: 'after the first packet', raw: null, tone: 'neutral' }
      : { id: 'duty-cycle', label: 'Duty cycle', value: formatPercent(t.dutyCycle), detail: 'of the time data flowed', raw: t.dutyCycle, tone: ratioTone(t.dutyCycle), hint: 'Share of the time since the first packet that was not inside a gap.' },
  );
  tiles.push({ id: 'gaps', label: 'Gaps', value: formatCount(t.gapCount), detail: t.gapCount > 0 ? `${formatDuration(t.gapMs)} without data` : `threshold ${formatDuration(r.gapThresholdMs)}${r.gapThresholdAutomatic ? ' (auto)' : ''}`, raw: t.gapCount, tone: t.gapCount > 0 ? 'warn' : 'good' });
  const e = t.expected;
  if (e && (e.bytesRatio !== null || e.packetsRatio !== null)) {
    const main = e.bytesRatio !== null ? { ratio: e.bytesRatio, of: 'bytes' } : { ratio: e.packetsRatio as number, of: 'packets' };
    const other = e.bytesRatio !== null && e.packetsRatio !== null ? `${formatPercent(e.packetsRatio)} of the packets` : main.of === 'bytes' && e.expectedBytes !== null ? `of ${formatBytes(e.expectedBytes)} expected` : e.expectedPackets !== null ? `of ${formatCount(e.expectedPackets)} expected` : null;
    tiles.push({ id: 'expected', label: 'Received vs expected', value: `${formatPercent(main.ratio)} of the ${main.of}`, detail: other, raw: main.ratio, tone: ratioTone(main.ratio) });
  } else {
    tiles.push({ id: 'expected', label: 'Received vs expected', value: '—', detail: 'set an expected rate to compare', raw: null, tone: 'neutral' });
  }
  const granted = info.recvBufferGranted;
  tiles.push({
    id: 'buffer',
    label: 'Receive buffer',
    value: granted === null ? '—' : formatBufferSize(granted),
    detail: `asked ${formatBufferSize(info.recvBufferRequested)}`,
    raw: granted,
    tone: granted === null ? 'neutral' : granted < info.recvBufferRequested ? 'warn' : 'good',
    hint: granted !== null && granted < info.recvBufferRequested ? 'The OS granted less than asked; on Linux raise net.core.rmem_max.' : 'What the OS granted (Linux reports double the usable size).',
  });
  if (r.openGap) {
    tiles.push({ id: 'open-gap', label: 'Now', value: `no data for ${formatDuration(r.openGap.durationMs)}`, detail: `since ${(r.openGap.startMs / 1000).toFixed(1)} s`, raw: r.openGap.durationMs, tone: 'bad' });
  } else if (!running) {
    tiles.push({ id: 'open-gap', label: 'Now', value: info.status === 'error' ? 'failed' : 'stopped', detail: `after ${formatDuration(t.durationMs)}`, raw: null, tone: info.status === 'error' ? 'bad' : 'neutral' });
  } else if (t.packets === 0) {
    tiles.push({ id: 'open-gap', label: 'Now', value: 'waiting for data', detail: `listening for ${formatDuration(r.nowMs)}`, raw: null, tone: 'neutral' });
  } else {
    tiles.push({ id: 'open-gap', label: 'Now', value: 'receiving', detail: `for ${formatDuration(r.nowMs)}`, raw: 0, tone: 'good' });
  }
  return tiles;
}
