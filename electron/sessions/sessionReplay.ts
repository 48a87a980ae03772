/**
 * Opening a session as it was recorded: its capture read again, each stream's interface through
 * the same measurement as live reception, counted from the moment recording began to the moment
 * it ended. So the opened stream holds exactly the packets the file holds (what capinfos counts on
 * that interface), whatever the live stream saw before Record was pressed, and an interrupted
 * session shows what its capture kept, not the last snapshot session.json saved.
 */
import type { SessionRecord, SessionStream } from '../../shared/contract/sessions';
import { UdpExtractor } from '../../shared/capture/udpExtractor';
import { parseFormat } from '../../shared/decoders/streamDecoder';
import { CaptureReader } from '../../shared/pcapng/read';
import { ReceptionMonitor } from '../../shared/reception/receptionMonitor';
import type { ReceptionSnapshot } from '../../shared/reception/types';
import { readCaptureFile } from '../capture/captureFile';

/** One recorded stream measured again from the capture. */
export interface ReplayedStream {
  stream: SessionStream;
  /** Wall-clock time of the opened stream's time 0: the start of its recording, ms since the epoch. */
  startedAt: number;
  snapshot: ReceptionSnapshot;
}

interface Replay {
  stream: SessionStream;
  origin: number;
  monitor: ReceptionMonitor;
  extractor: UdpExtractor;
  lastAt: number;
}

/** When a stream's recording began: its first packet when it holds the stream from its start. */
export function recordingOrigin(s: SessionStream): number {
  return s.fromStreamStart ? Math.min(s.info.startedAt, s.recordingStartedAt) : s.recordingStartedAt;
}

/** Reads the session's capture once and measures every recorded stream from it. */
export async function replaySession(record: SessionRecord, capturePath: string): Promise<ReplayedStream[]> {
  const replays = new Map<number, Replay>();
  for (const s of record.streams) {
    const c = s.config;
    const monitor = new ReceptionMonitor({
      binMs: c.binMs,
      gapMs: c.gapMs,
      expected: { bytesPerSec: c.expectedBytesPerSec, packetsPerSec: c.expectedPacketsPerSec },
      decode: parseFormat(c.decode) ?? 'none',
      port: c.port,
    });
    const r: Replay = { stream: s, origin: recordingOrigin(s), monitor, lastAt: 0, extractor: null! };
    r.extractor = new UdpExtractor((d) => {
      // A datagram stamped before the recording's start (a clock step) counts at the start; arrivals never go back.
      const at = Math.max(r.lastAt, d.timeMs - r.origin, 0);
      r.lastAt = at;
      r.monitor.onPacket(at, d.payload.slice(), d.family === 6 ? `[${d.srcAddress}]:${d.srcPort}` : `${d.srcAddress}:${d.srcPort}`);
    });
    replays.set(s.interfaceId, r);
  }
  const reader = new CaptureReader((rec) => replays.get(rec.interfaceId)?.extractor.onRecord(rec));
  await readCaptureFile(capturePath, reader);
  const out: ReplayedStream[] = [];
  for (const r of replays.values()) {
    r.extractor.finish();
    // The local stalls the live stream saw during the recording (they are not in the capture).
    const shift = r.stream.info.startedAt - r.origin;
    for (const st of r.stream.snapshot?.stalls ?? []) {
      const startMs = st.startMs + shift;
      if (startMs >= 0) r.monitor.onLocalStall({ ...st, startMs, endMs: st.endMs + shift });
    }
    const endMs = record.ended !== null ? record.ended - r.origin : r.lastAt;
    out.push({ stream: r.stream, startedAt: r.origin, snapshot: r.monitor.snapshot(Math.max(r.lastAt, endMs)) });
  }
  return out;
}
