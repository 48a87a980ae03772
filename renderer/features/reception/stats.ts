/** The stat tiles of a stream as plain data: what each says, how loud, and the number behind it. */
import type { StreamInfo } from '../../../shared/contract';
import { formatEndpoint } from '../../../shared/net/address';
import { formatBufferSize, formatByteRate, formatBytes, formatCount, formatDuration, formatPacketRate, formatPercent, formatStreamTime } from '../../format';
import { stepValueText } from '../../../shared/reception/pairing';
import { averageRates, recentRates, type ReceptionState } from './streamState';

/** How a tile should draw attention. */
export type Tone = 'neutral' | 'good' | 'warn' | 'bad';

/** One tile: a label, a big value, a line of detail, and the raw number for tests and tooltips. */
export interface StatTile {
  id: 'packets' | 'bytes' | 'packet-rate' | 'throughput' | 'duty-cycle' | 'gaps' | 'expected' | 'loss' | 'jitter' | 'paired' | 'buffer' | 'open-gap';
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

/** True while a live stream receives from a socket: only then is there a live edge to follow (not for an opened session or an import). */
export function isLive(info: StreamInfo): boolean {
  return (info.origin ?? 'live') === 'live' && (info.status === 'listening' || info.status === 'starting');
}

function ratioTone(r: number): Tone {
  return r >= 0.98 ? 'good' : r >= 0.9 ? 'warn' : 'bad';
}

const FORMAT_NAMES: Record<string, string> = { iperf2: 'iperf 2', iperf3: 'iperf 3', rtp: 'RTP', mavlink: 'MAVLink', mpegts: 'MPEG-TS', gdl90: 'GDL90', nmea: 'NMEA', seq: 'Gapscope seq', field: 'sequence field' };

/** Loss by sequence number (counted as iperf counts it) and RFC 3550 jitter, when the stream is decoded. */
export function lossTiles(r: ReceptionState): StatTile[] {
  const l = r.loss;
  if (!l) return [];
  const name = FORMAT_NAMES[l.format] ?? l.format;
  const tiles: StatTile[] = [];
  if (l.lost !== null && l.expected !== null) {
    const ratio = l.expected > 0 ? l.lost / l.expected : 0;
    const extras = [l.duplicates ? `${formatCount(l.duplicates)} duplicate` : null, l.reordered ? `${formatCount(l.reordered)} late` : null, l.crcErrors ? `${formatCount(l.crcErrors)} CRC errors` : null].filter(Boolean).join(' · ');
    tiles.push({
      id: 'loss',
      label: `Lost (${name})`,
      value: `${formatCount(l.lost)} of ${formatCount(l.expected)}`,
      detail: `${formatPercent(ratio)}${extras ? ` · ${extras}` : ''}`,
      raw: l.lost,
      tone: l.lost === 0 && !l.crcErrors ? 'good' : ratio < 0.01 ? 'warn' : 'bad',
      hint: ['By the payload’s sequence numbers, counted as iperf prints Lost/Total.', ...l.notes].join(' '),
    });
  } else {
    tiles.push({ id: 'loss', label: `Decoded (${name})`, value: `${formatCount(l.received)} packets`, detail: l.crcErrors ? `${formatCount(l.crcErrors)} CRC or checksum errors` : 'no sequence number to count loss', raw: null, tone: l.crcErrors ? 'bad' : 'neutral', hint: l.notes.join(' ') });
  }
  if (l.jitterMs !== null) tiles.push({ id: 'jitter', label: 'Jitter', value: `${l.jitterMs < 10 ? l.jitterMs.toFixed(2) : l.jitterMs.toFixed(1)} ms`, detail: 'RFC 3550, from send times', raw: l.jitterMs, tone: 'neutral', hint: 'Interarrival jitter as RTP and iperf compute it, from the send time the payload carries.' });
  return tiles;
}

/** The pairing with `gapscope send`: what the sender says it sent against what arrived, when the stream is paired. */
export function pairedTile(r: ReceptionState): StatTile | null {
  const p = r.pairing;
  if (!p) return null;
  if (p.accounts === 0) return { id: 'paired', label: 'Paired sender', value: 'refused', detail: `${formatCount(p.refusedAccounts)} accounts not believed`, raw: null, tone: 'warn', hint: p.text };
  const step = p.firstLossStep !== null ? p.steps.find((s) => s.step === p.firstLossStep) : undefined;
  return {
    id: 'paired',
    label: 'Lost on the path',
    value: `${formatCount(p.lostOnPath)} of ${formatCount(p.sent)} sent`,
    detail: step ? `sweep: loss from step ${step.step + 1} (${stepValueText(step.sweep, step.value)})` : p.ended ? 'the sender ended its run' : `by the sender's count${p.refused ? `; ${formatCount(p.refused)} never sent` : ''}`,
    raw: p.lostOnPath,
    tone: p.lostOnPath === 0 ? 'good' : 'bad',
    hint: p.text,
  };
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
  tiles.push(...lossTiles(r));
  const p = pairedTile(r);
  if (p) tiles.push(p);
  // The back end's verdict (shared/reception/receiveBuffer.ts) says what the OS really gave: Linux
  // reports twice what it honoured, so "8 MiB granted of 8 MiB" may be a 4 MiB cap.
  const v = info.recvBuffer;
  const granted = v ? v.honoured : info.recvBufferGranted;
  tiles.push({
    id: 'buffer',
    label: 'Receive buffer',
    value: granted === null ? '—' : formatBufferSize(granted),
    // Streams opened from a session or a capture had no socket here (nothing was asked).
    detail: info.recvBufferRequested <= 0 ? 'no socket: opened from a file' : v?.capped && v.cap ? `of ${formatBufferSize(info.recvBufferRequested)} asked: ${v.cap.name} caps it` : `asked ${formatBufferSize(info.recvBufferRequested)}`,
    raw: granted,
    tone: granted === null ? 'neutral' : (v ? v.capped : granted < info.recvBufferRequested) ? 'warn' : 'good',
    hint: v ? v.text : 'What the OS granted.',
  });
  if (!running) {
    // A stopped stream (also one opened from a session or a capture) is not "without data now".
    const silentEnd = r.openGap ? `; no data in its last ${formatDuration(r.openGap.durationMs)}` : '';
    tiles.push({ id: 'open-gap', label: 'Now', value: info.status === 'error' ? 'failed' : 'stopped', detail: `after ${formatDuration(t.durationMs)}${silentEnd}`, raw: null, tone: info.status === 'error' ? 'bad' : 'neutral' });
  } else if (r.openGap) {
    tiles.push({ id: 'open-gap', label: 'Now', value: `no data for ${formatDuration(r.openGap.durationMs)}`, detail: `since ${formatStreamTime(r.openGap.startMs)}`, raw: r.openGap.durationMs, tone: 'bad' });
  } else if (t.packets === 0) {
    tiles.push({ id: 'open-gap', label: 'Now', value: 'waiting for data', detail: `listening for ${formatDuration(r.nowMs)}`, raw: null, tone: 'neutral' });
  } else {
    tiles.push({ id: 'open-gap', label: 'Now', value: 'receiving', detail: `for ${formatDuration(r.nowMs)}`, raw: 0, tone: 'good' });
  }
  return tiles;
}
