/** `gapscope listen`: measure one stream from the terminal; a live line each second, a report at the end. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { GapscopeApi, StreamConfigInput, StreamInfo } from '../../shared/contract';
import type { EndedRecording, RecordingState } from '../../shared/contract/sessions';
import { formatEndpoint } from '../../shared/net/address';
import { gapCause } from '../../shared/reception/gapCause';
import { gapLocationText } from '../../shared/reception/gapLocation';
import { wifiVerdict } from '../../shared/reception/wifiRhythm';
import { snoopingVerdict } from '../../shared/reception/multicastSnooping';
import { formatByteRate, formatBytes, formatCount, formatDuration, formatPercent, formatStreamTime } from '../../shared/format';
import { buildReport, type ReceptionReport } from '../../shared/reception/report';
import type { PairingSummary, ReceptionTotals } from '../../shared/reception/types';
import { pairingLines, pairingLive } from './pairingText';
import type { ListenLine } from '../../shared/jsonStream/lines';
import { judge, type Condition } from '../../shared/verdict/conditions';
import { finalStreamFacts } from '../../shared/verdict/streamFacts';
import { GapLines, lineWriter } from './jsonLines';

/** What `listen` was asked on the command line. */
export interface ListenOptions {
  port: number;
  group?: string;
  address?: string;
  iface?: string;
  source?: string;
  family?: 'ipv4' | 'ipv6';
  bin: number;
  gapMs?: number;
  duration?: number;
  json?: boolean;
  /** One JSON object a line as it runs (docs/schema/listen-stream.schema.json), the report last. */
  jsonStream?: boolean;
  /** Conditions that fail the run (exit 3), also judged live as alerts. */
  failOn?: Condition[];
  expectBytesPerSec?: number;
  expectPps?: number;
  recvBuffer?: number;
  decode: string;
  /** Record every received packet to this pcapng file (FILE.json beside it). */
  record?: string;
  /** Watch the wire too (beside) or only (electron/wire), with this engine. */
  wire?: 'beside' | 'only';
  wireEngine?: 'dumpcap' | 'tcpdump';
}

/** A --record value: a .pcapng path, made absolute. */
export function recordOption(text: string): string {
  if (!/\.pcapng$/i.test(text.trim())) throw new InvalidArgumentError('--record must name a .pcapng file, e.g. --record run1.pcapng.');
  return resolve(text.trim());
}

/** What the report says about the recording made with --record. */
export interface RecordingReport {
  file: string;
  sidecar: string;
  /** Packets in the file: the same as the report's packets when the recording holds the whole stream. */
  packets: number;
  notRecorded: number;
  fromStreamStart: boolean;
  error: string | null;
}

/** Where the command writes: injectable for tests. */
export interface Output {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Live lines go to stderr when --json keeps stdout for the report; only worth it on a terminal. */
  liveToErr: boolean;
}

/** Builds the stream config the contract validates. */
function toStreamConfig(o: ListenOptions): StreamConfigInput {
  return {
    port: o.port,
    address: o.group ?? o.address,
    iface: o.iface,
    source: o.source,
    family: o.family,
    binMs: o.bin,
    gapMs: o.gapMs,
    expectedBytesPerSec: o.expectBytesPerSec,
    expectedPacketsPerSec: o.expectPps,
    recvBufferBytes: o.recvBuffer,
    decode: o.decode,
    ...(o.wire ? { wire: o.wire, wireEngine: o.wireEngine } : {}),
    ...(o.failOn?.length ? { alertOn: o.failOn.map((c) => c.text) } : {}),
  };
}

/** One line a person can follow while a stream runs. */
export function liveLine(elapsedMs: number, t: ReceptionTotals, lastSecond: { packets: number; bytes: number }, openGapMs: number | null): string {
  const parts = [
    formatStreamTime(elapsedMs, 0).padStart(7),
    `${formatCount(lastSecond.packets).padStart(7)} pkt/s`,
    formatByteRate(lastSecond.bytes).padStart(12),
    `total ${formatCount(t.packets)} pkts ${formatBytes(t.bytes)}`,
    `gaps ${formatCount(t.gapCount)}`,
  ];
  if (t.dutyCycle !== null) parts.push(`duty ${formatPercent(t.dutyCycle)}`);
  if (t.expected?.bytesRatio != null) parts.push(`${formatPercent(t.expected.bytesRatio)} of expected bytes`);
  if (openGapMs !== null) parts.push(`(no data for ${formatDuration(openGapMs)})`);
  return parts.join('  ');
}

/** A short human summary of the final report. */
export function humanReport(r: ReceptionReport): string[] {
  const lines = [
    `Received ${r.packets} packets, ${formatBytes(r.bytes)} in ${formatDuration(r.durationMs)}.`,
    `Gap threshold ${formatDuration(r.gapThresholdMs)}${r.gapThresholdAutomatic ? ' (automatic)' : ''}; ${r.gapCount} gaps; duty cycle ${r.dutyCycle === null ? 'n/a' : formatPercent(r.dutyCycle)}.`,
    r.periodicity.summary,
  ];
  if (r.snooping) lines.push(r.snooping.summary);
  if (r.wifi) lines.push(r.wifi.verdict.summary);
  for (const g of r.gaps.slice(0, 20)) {
    lines.push(`  gap at ${formatStreamTime(g.startMs).padStart(10)}  lasting ${formatDuration(g.durationMs).padStart(10)}  after ${g.packetsBefore} pkts / ${formatBytes(g.bytesBefore)}${g.lostPackets !== null ? `  ${g.lostPackets} lost in it` : ''}  cause: ${gapCause(g).text}${g.location ? `  where: ${gapLocationText(g.location)} (${g.location.missed} missed${g.location.matchedBy === 'time' ? ', about' : ''})` : ''}`);
  }
  if (r.gaps.length > 20) lines.push(`  … and ${r.gaps.length - 20} more (use --json for all)`);
  if (r.trailingSilenceMs !== null) lines.push(`No data for the last ${formatDuration(r.trailingSilenceMs)}.`);
  const rec = r.recording as RecordingReport | undefined;
  if (rec) lines.push(rec.error ? `Recording to ${rec.file} stopped early: ${rec.error} ${rec.packets} packets kept.` : `Recorded ${rec.packets} packets to ${rec.file}${rec.notRecorded ? ` (${rec.notRecorded} not recorded: the disk fell behind)` : ''}${rec.fromStreamStart ? '' : ' (from the start of recording)'}; metadata in ${rec.sidecar}.`);
  if (r.expected?.bytesRatio != null) lines.push(`Received ${formatPercent(r.expected.bytesRatio)} of the expected bytes.`);
  if (r.decode && r.decode.format !== 'none') {
    const l = r.loss;
    const counts = l && l.expected !== null ? `: ${l.lost} lost of ${l.expected} expected, ${l.duplicates ?? 0} duplicates, ${l.reordered ?? 0} reordered` : '';
    lines.push(`Decoded as ${r.decode.format}${counts}${r.jitterMs !== null ? `; jitter ${r.jitterMs.toFixed(3)} ms` : ''}${r.decode.crcErrors ? `; ${r.decode.crcErrors} CRC errors` : ''}.`);
    for (const n of r.decode.notes) lines.push(`  ${n}`);
  }
  if (r.pairing) lines.push(...pairingLines(r.pairing as PairingSummary));
  return lines;
}

/** Runs a stream until the duration ends or a signal arrives; returns the report and the final status. */
export async function runListen(api: GapscopeApi, o: ListenOptions, output: Output, stopSignal: Promise<void>): Promise<{ report: ReceptionReport; info: StreamInfo }> {
  const info = await api.startStream(toStreamConfig(o));
  let recording: RecordingState | null = null;
  let recordingError: string | null = null;
  const offRecording = api.on('recordingState', (r) => {
    if (r.error && r.error.message !== recordingError) {
      recordingError = r.error.message;
      warn(r.error.message);
    }
  });
  if (o.record) {
    try {
      recording = await api.startRecording({ streamIds: [info.id], file: o.record });
    } catch (e) {
      offRecording();
      await api.stopStream(info.id);
      throw e;
    }
  }
  const where = info.bound ?? formatEndpoint(o.group ?? o.address ?? '*', o.port);
  const live = o.json || o.jsonStream ? (output.liveToErr ? output.err : null) : output.out;
  const line = o.jsonStream ? lineWriter<ListenLine>(output.out) : null;
  const gapLines = line ? new GapLines(line) : null;
  line?.({ type: 'started', stream: { id: info.id, bound: info.bound, kind: info.kind, family: info.family, port: info.config.port }, conditions: (o.failOn ?? []).map((c) => c.text) });
  live?.(`Listening on ${where} (${info.kind}, ${info.family}); receive buffer: ${info.recvBuffer?.text ?? `${info.recvBufferGranted ?? '?'} bytes granted of ${info.recvBufferRequested} requested.`} Ctrl+C to stop.`);

  let latest: { totals: ReceptionTotals; openGapMs: number | null; lost: number | null; pairing?: PairingSummary | null } | null = null;
  let lastPrinted = { packets: 0, bytes: 0 };
  let failure: StreamInfo | null = null;
  const offUpdate = api.on('streamUpdate', (u) => {
    if (u.id !== info.id) return;
    latest = { totals: u.delta.totals, openGapMs: u.delta.openGap?.durationMs ?? null, lost: u.delta.loss?.lost ?? null, pairing: u.delta.pairing };
    gapLines?.onDelta(u.delta);
  });
  // The --fail-on conditions judged live by the back end (the same judge as the verdict), with hysteresis.
  const offAlert = api.on('streamAlert', (a) => {
    // A repeat only counts (the app shows it); a line per flap would be the flood hysteresis prevents.
    const { change } = a;
    if (a.id !== info.id || change.state === 'repeated') return;
    if (line) line({ type: 'alert', at: change.at, condition: change.condition, state: change.state, times: change.times, sentence: change.sentence });
    else if (live) live(change.state === 'raised' ? `ALERT ${change.sentence}` : `alert cleared: ${change.condition} (held ${change.times} time${change.times === 1 ? '' : 's'})`);
  });
  const warn = (message: string): void => {
    output.err(`gapscope: ${message}`);
    line?.({ type: 'warning', message });
  };
  let wake: () => void = () => {};
  let lastWarning: string | null = null;
  // The wire view's state and the queries it heard, as a line whenever either changes (a supervisor
  // learns that the wire view is up, failed, or that a querier appeared on the link).
  let lastWire = '';
  const offStatus = api.on('streamStatus', (s) => {
    if (line && s.id === info.id && s.wire) {
      const q = s.wire.querier;
      const key = `${s.wire.state}|${q?.heard ?? ''}`;
      if (key !== lastWire) {
        lastWire = key;
        line({ type: 'wire', state: s.wire.state, engine: s.wire.engine, ...(q ? { querier: { heard: q.heard, lastFrom: q.lastFrom, lastVersion: q.lastVersion } } : {}) });
      }
    }
    if (s.id === info.id && s.status === 'error') {
      failure = s;
      wake();
    } else if (s.id === info.id && s.wire?.error && s.wire.error.message !== lastWarning) {
      lastWarning = s.wire.error.message;
      warn(s.wire.error.message);
    } else if (s.id === info.id && s.warning?.message !== lastWarning) {
      lastWarning = s.warning?.message ?? null;
      if (s.warning) warn(s.warning.message);
    }
  });
  const ticker = setInterval(() => {
    if (!latest || (!live && !line)) return;
    const t = latest.totals;
    const lastSecond = { packets: t.packets - lastPrinted.packets, bytes: t.bytes - lastPrinted.bytes };
    const paired = pairingLive(latest.pairing);
    live?.(liveLine(t.durationMs, t, lastSecond, latest.openGapMs) + (paired ? `  ${paired}` : ''));
    line?.({ type: 'tick', elapsedMs: Math.round(t.durationMs), packets: t.packets, bytes: t.bytes, lastSecond, gaps: t.gapCount, dutyCycle: t.dutyCycle, lost: latest.lost, openGapMs: latest.openGapMs === null ? null : Math.round(latest.openGapMs) });
    lastPrinted = { packets: t.packets, bytes: t.bytes };
  }, 1000);

  const timers: NodeJS.Timeout[] = [];
  await Promise.race([
    stopSignal,
    new Promise<void>((r) => {
      wake = r;
      if (o.duration !== undefined) timers.push(setTimeout(r, o.duration * 1000));
    }),
  ]);
  timers.forEach(clearTimeout);
  clearInterval(ticker);
  const stopped = await api.stopStream(info.id);
  // The stream's stop ends its recording (every packet received is on disk); this waits for the sidecar.
  const ended = recording ? (await api.stopRecording()).ended : undefined;
  const state = await api.getStreamState(info.id);
  offUpdate();
  offStatus();
  offRecording();
  offAlert();
  const report = buildReport(state.snapshot, { ...state.info.config, kind: state.info.kind, family: state.info.family, bound: state.info.bound, recvBufferGranted: state.info.recvBufferGranted }, state.info.startedAt);
  const snooping = snoopingVerdict({ multicast: state.info.kind === 'multicast', gaps: state.snapshot.gaps, openGap: state.snapshot.openGap, queries: state.info.wire?.querier, nowMs: state.snapshot.nowMs });
  if (snooping) report.snooping = snooping;
  if (state.info.wifi) report.wifi = { ...state.info.wifi, verdict: wifiVerdict(state.snapshot.periodicity, state.snapshot.gaps, state.info.wifi, state.snapshot.nowMs) };
  if (o.record) report.recording = ended ? endedReport(ended, recordingError) : await recordingReport(o.record, recordingError);
  // The wire view beside the socket: its own report on the same clock, and its engine's state.
  if (state.info.wire) report.wire = { status: state.info.wire, ...(state.wire ? buildReport(state.wire, { kind: 'wire' }, state.info.startedAt) : {}) };
  if (o.failOn?.length) report.verdict = judge(o.failOn, finalStreamFacts(report));
  line?.({ type: 'report', report });
  return { report, info: failure ?? stopped };
}

/** The recording as the back end ended it: the packets its file holds (counted in the file when the disk failed). */
function endedReport(e: EndedRecording, error: string | null): RecordingReport {
  const s = e.streams[0];
  return { file: e.file, sidecar: e.sidecar, packets: s?.packets ?? 0, notRecorded: s?.notRecorded ?? 0, fromStreamStart: s?.fromStreamStart ?? false, error: e.error?.message ?? error };
}

async function recordingReport(file: string, error: string | null): Promise<RecordingReport> {
  const sidecar = `${file}.json`;
  try {
    const r = JSON.parse(await readFile(sidecar, 'utf8')) as { streams: { packets: number; notRecorded: number; fromStreamStart: boolean }[]; error: { message: string } | null };
    const s = r.streams[0];
    return { file, sidecar, packets: s?.packets ?? 0, notRecorded: s?.notRecorded ?? 0, fromStreamStart: s?.fromStreamStart ?? false, error: r.error?.message ?? error };
  } catch (e) {
    return { file, sidecar, packets: 0, notRecorded: 0, fromStreamStart: false, error: error ?? `cannot read ${sidecar}: ${(e as Error).message}` };
  }
}
