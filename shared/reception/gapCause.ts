/**
 * Where a gap came from, in words, from what Gapscope knows: its own stall, or — when the payload
 * carries sequence numbers — whether packets were sent during the silence (lost on the way) or
 * not (the sender paused). Shared by the gap table, the HTML report and the CLI.
 */
import type { Gap } from './types';

/** A gap's cause as a short label and a sentence explaining it. */
export interface GapCause {
  kind: 'local-stall' | 'sender-paused' | 'packets-lost' | 'unknown';
  text: string;
  hint: string;
}

/** Names the likely cause of a gap. */
export function gapCause(gap: Pick<Gap, 'cause' | 'lostPackets'>): GapCause {
  if (gap.cause === 'local-stall') {
    return { kind: 'local-stall', text: 'Gapscope stalled', hint: 'Gapscope itself could not run during this time; the network may have been fine.' };
  }
  if (gap.lostPackets === 0) {
    return { kind: 'sender-paused', text: 'sender paused', hint: 'The sequence numbers go on without a hole across the gap: nothing sent was lost, the sender sent nothing.' };
  }
  if (gap.lostPackets !== null && gap.lostPackets > 0) {
    const n = gap.lostPackets === 1 ? '1 packet was' : `${gap.lostPackets.toLocaleString('en-US')} packets were`;
    return { kind: 'packets-lost', text: 'packets lost', hint: `${n} sent during the gap (their sequence numbers are missing) but never arrived: dropped on the way (network, Wi-Fi, a full buffer) or by the sender's own queue.` };
  }
  return { kind: 'unknown', text: 'network or sender', hint: 'Gapscope was running: the data did not arrive. Decode sequence numbers to tell a sender pause from loss.' };
}
