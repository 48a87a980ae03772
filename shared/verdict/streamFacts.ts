/** A stream's measured numbers for its conditions: from the final report (the CLI's verdict) and from each live delta (the app's alerts). */
import type { DecodeStats } from '../decoders/types';
import type { Gap, OpenGap, ReceptionTotals } from '../reception/types';
import type { Facts } from './conditions';

/** What the final facts are read from: the fields of a ReceptionReport (listen, analyze) that conditions use. */
export interface StreamTotalsForVerdict {
  packets: number;
  bytes: number;
  durationMs: number;
  firstPacketMs: number | null;
  lastPacketMs: number | null;
  gaps: readonly { durationMs: number }[];
  gapCount: number;
  trailingSilenceMs: number | null;
  dutyCycle: number | null;
  loss: { expected: number | null; lost: number | null } | null;
}

const NO_SEQUENCE = 'the payload carries no sequence numbers Gapscope reads (see --decode)';

function lossPercent(loss: { expected: number | null; lost: number | null } | null): number | { unknown: string } {
  if (!loss || loss.expected === null || loss.lost === null) return { unknown: NO_SEQUENCE };
  if (loss.expected <= 0) return { unknown: 'no sequence numbers arrived' };
  return (Math.max(0, loss.lost) / loss.expected) * 100;
}

/** The facts of a finished run: every condition is judged on these at the end of listen and analyze. */
export function finalStreamFacts(r: StreamTotalsForVerdict): Facts {
  const longestGap = Math.max(0, r.trailingSilenceMs ?? 0, ...r.gaps.map((g) => g.durationMs));
  const lead = r.firstPacketMs ?? r.durationMs;
  const tail = r.lastPacketMs === null ? 0 : Math.max(0, r.durationMs - r.lastPacketMs);
  const seconds = r.durationMs / 1000;
  return {
    gapMs: longestGap,
    gaps: r.gapCount,
    lossPercent: lossPercent(r.loss),
    packets: r.packets,
    dutyPercent: r.dutyCycle === null ? { unknown: 'no packet arrived' } : r.dutyCycle * 100,
    bytesPerSec: seconds > 0 ? r.bytes / seconds : { unknown: 'the run lasted no time' },
    packetsPerSec: seconds > 0 ? r.packets / seconds : { unknown: 'the run lasted no time' },
    noDataMs: Math.max(lead, longestGap, tail),
  };
}

/** One live update of a stream, as the back end receives it from the stream's worker. */
export interface LiveStreamSample {
  totals: ReceptionTotals;
  openGap: OpenGap | null;
  newGaps: readonly Gap[];
  loss: DecodeStats | null;
}

/**
 * The facts of a stream right now, for live alerts: the gap and the silence going on now (or a gap
 * that closed since the last update), loss and duty so far, the rate over the last second (what
 * `recent` holds). `packets` is judged only at the end of a run: live, every stream starts below
 * any count.
 */
export function liveStreamFacts(s: LiveStreamSample, recent: { seconds: number; packets: number; bytes: number } | null): Facts {
  const t = s.totals;
  const gapNow = Math.max(0, s.openGap?.durationMs ?? 0, ...s.newGaps.map((g) => g.durationMs));
  const silence = t.lastPacketMs === null ? t.durationMs : Math.max(0, t.durationMs - t.lastPacketMs);
  const facts: Facts = {
    gapMs: gapNow,
    gaps: t.gapCount,
    lossPercent: lossPercent(s.loss),
    dutyPercent: t.dutyCycle === null ? { unknown: 'no packet arrived yet' } : t.dutyCycle * 100,
    noDataMs: silence,
  };
  if (recent && recent.seconds > 0) {
    facts.bytesPerSec = recent.bytes / recent.seconds;
    facts.packetsPerSec = recent.packets / recent.seconds;
  }
  return facts;
}
