/**
 * Where a gap came from, from what Gapscope knows: its own stall, or — when the payload carries
 * sequence numbers — whether packets were sent during the silence (lost on the way) or not (the
 * sender paused). The one decision behind the gap table, the HTML and JSON reports, the gaps CSV
 * and the CLI: each prints this code and these words, never a cause of its own.
 */
import type { Gap, LocalStall, PairedGap } from './types';

/** A gap counts as caused by a local stall when the stall covers at least this share of it. */
export const STALL_OVERLAP = 0.5;

/**
 * The detector's stall flag of a gap from the stalls known (chronological): the monitor labels a gap
 * with it, and labels it again when a stall is reported after the gap, as the renderer must too.
 */
export function stallFlag(gap: Pick<Gap, 'startMs' | 'endMs' | 'durationMs'>, stalls: readonly LocalStall[]): Gap['cause'] {
  let covered = 0;
  for (let i = stalls.length - 1; i >= 0; i--) {
    const s = stalls[i]!;
    if (s.endMs < gap.startMs) break;
    covered += Math.max(0, Math.min(s.endMs, gap.endMs) - Math.max(s.startMs, gap.startMs));
  }
  return covered >= STALL_OVERLAP * gap.durationMs ? 'local-stall' : 'unexplained';
}

/** Stable codes for scripts and spreadsheets, in the order of the legend. */
export const GAP_CAUSE_CODES = ['sender-paused', 'packets-lost', 'local-stall', 'device-restarted', 'unknown'] as const;

/** A gap's cause as a stable code. */
export type GapCauseCode = (typeof GAP_CAUSE_CODES)[number];

/** A gap's cause: its code, a short label and a sentence explaining it. */
export interface GapCause {
  code: GapCauseCode;
  text: string;
  hint: string;
}

/** What a gap says about itself: the detector's stall flag (`unexplained` or `local-stall`), or a code already decided (a saved report). */
export type GapCauseInput = { cause: Gap['cause'] | GapCauseCode; lostPackets: number | null; paired?: PairedGap | null; deviceRestart?: Gap['deviceRestart'] };

const WORDS: Record<GapCauseCode, string> = {
  'sender-paused': 'sender paused',
  'packets-lost': 'packets lost',
  'local-stall': 'Gapscope stalled',
  'device-restarted': 'device restarted',
  unknown: 'network or sender',
};

/** The row style a cause gets in the gap table and the HTML report: Gapscope's own stall and a device's restart are not loss on the path, so they stand apart. */
export function gapCauseRowClass(code: GapCauseCode): 'local' | 'restart' | '' {
  return code === 'local-stall' ? 'local' : code === 'device-restarted' ? 'restart' : '';
}

/** The short label of a code, as every export prints it. */
export function gapCauseText(code: GapCauseCode): string {
  return WORDS[code];
}

/** Decides a gap's cause; given a decided code, returns it with its words, so deciding twice changes nothing. */
export function gapCause(gap: GapCauseInput): GapCause {
  const code = gapCauseCode(gap);
  const p = gap.paired;
  if (p && !p.restarted && (code === 'packets-lost' || code === 'sender-paused')) return pairedCause(code, p);
  return { code, text: WORDS[code], hint: code === 'device-restarted' ? restartHint(gap.deviceRestart) : hint(code, gap.lostPackets) };
}

/** Paired with `gapscope send`, the sender's own account decides: what it sent that did not arrive was lost on the path; the rest it never sent. */
function pairedCause(code: GapCauseCode, p: PairedGap): GapCause {
  const n = (x: number): string => x.toLocaleString('en-US');
  const refused = p.refused ? ` Its OS refused ${n(p.refused)} it had numbered: never sent.` : '';
  if (code === 'packets-lost') return { code, text: `sent and lost on the path: ${n(p.lostOnPath)}`, hint: `The sender's account says it sent ${n(p.lostOnPath)} datagrams during the gap that never arrived: lost between its socket and this one (network, Wi-Fi, a full buffer here).${refused}` };
  return { code, text: 'never sent', hint: `The sender's account goes on without a hole across the gap: it sent nothing then, so nothing was lost on the path.${refused}` };
}

function gapCauseCode(gap: GapCauseInput): GapCauseCode {
  if (gap.cause === 'local-stall') return gap.cause;
  const p = gap.paired;
  if (p && !p.restarted && gap.cause === 'unexplained') return p.lostOnPath > 0 ? 'packets-lost' : 'sender-paused';
  if (gap.cause !== 'unexplained') return gap.cause;
  if (gap.deviceRestart) return 'device-restarted';
  if (gap.lostPackets === 0) return 'sender-paused';
  if (gap.lostPackets !== null && gap.lostPackets > 0) return 'packets-lost';
  return 'unknown';
}

const RESTART_WORDS: Record<NonNullable<Gap['deviceRestart']>, string> = {
  sequence: 'its sequence number went back to its start',
  jump: 'its sequence number jumped forward by a million or more in one step (a restart, or a payload read in the wrong format: check the format and the field width)',
  ssrc: 'a new RTP SSRC began (a new session)',
  'boot-time': 'its time since boot went back (MAVLink)',
  heartbeat: 'its GDL90 heartbeat says it has just started',
  'new-run': 'a new iperf run began',
};

function restartHint(why: Gap['deviceRestart']): string {
  return `The first packet after the gap says the device started again${why ? `: ${RESTART_WORDS[why]}` : ''}. The silence was the device's; what its counter skipped is not counted as lost.`;
}

function hint(code: GapCauseCode, lostPackets: number | null): string {
  switch (code) {
    case 'local-stall':
      return 'Gapscope itself could not run during this time; the network may have been fine.';
    case 'sender-paused':
      return 'The sequence numbers go on without a hole across the gap: nothing sent was lost, the sender sent nothing.';
    case 'packets-lost': {
      const n = lostPackets === null || lostPackets <= 0 ? 'Packets were' : lostPackets === 1 ? '1 packet was' : `${lostPackets.toLocaleString('en-US')} packets were`;
      return `${n} sent during the gap (their sequence numbers are missing) but never arrived: dropped on the way (network, Wi-Fi, a full buffer) or by the sender's own queue.`;
    }
    case 'device-restarted':
      return restartHint(undefined);
    case 'unknown':
      return 'Gapscope was running: the data did not arrive. Decode sequence numbers to tell a sender pause from loss.';
  }
}
