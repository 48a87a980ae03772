/** The decoder's per-packet flags as short badges for the packet inspector, problems first. */
import { PacketFlags } from '../../../shared/decoders/types';

/** One badge: its words, and whether it is a problem with the data (red) or a fact about order (amber). */
export interface FlagBadge {
  text: string;
  problem: boolean;
  hint: string;
}

const BADGES: readonly (FlagBadge & { bit: number })[] = [
  { bit: PacketFlags.crcError, text: 'CRC error', problem: true, hint: 'A frame’s CRC does not match its bytes: corrupted in transit or by the sender.' },
  { bit: PacketFlags.checksumError, text: 'checksum error', problem: true, hint: 'The NMEA sentence’s checksum does not match.' },
  { bit: PacketFlags.framingError, text: 'framing error', problem: true, hint: 'Bad escape or lost sync byte: the framing is broken.' },
  { bit: PacketFlags.malformed, text: 'malformed', problem: true, hint: 'Too short or not laid out as the format says.' },
  { bit: PacketFlags.gap, text: 'after loss', problem: false, hint: 'Sequence numbers were skipped just before this packet.' },
  { bit: PacketFlags.duplicate, text: 'duplicate', problem: false, hint: 'This sequence number arrived before.' },
  { bit: PacketFlags.reordered, text: 'late', problem: false, hint: 'Arrived after a higher sequence number (reordered).' },
  { bit: PacketFlags.restart, text: 'restart', problem: false, hint: 'The sender restarted its sequence; counting began again.' },
  { bit: PacketFlags.final, text: 'end of test', problem: false, hint: 'iperf’s end-of-test datagram.' },
  { bit: PacketFlags.crcNotChecked, text: 'CRC not checked', problem: false, hint: 'A MAVLink message id whose CRC_EXTRA Gapscope does not know.' },
];

/** The badges for a packet's flags. */
export function flagBadges(flags: number): FlagBadge[] {
  return BADGES.filter((b) => (flags & b.bit) !== 0).map(({ text, problem, hint }) => ({ text, problem, hint }));
}
