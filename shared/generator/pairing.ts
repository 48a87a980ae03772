/**
 * The sender's own account, carried in each datagram of Gapscope's 'seq' format right after its
 * 16-byte header, so a listener can pair with `gapscope send` one way (through NAT, with no second
 * port): which run this is, how many of the sequence numbers before this one the sender's OS
 * refused (so they were never sent), and, in a rate sweep, which step it belongs to and where that
 * step began. A checksum keeps another format's payload, or a damaged one, from passing as an
 * account; every field is bounded, so a wrong or hostile sender is refused with a reason rather
 * than believed.
 *
 * Layout (big-endian), after the 'seq' header (u64 sequence at 0, u64 send time µs at 8):
 *   16 u32 magic "GSPR" · 20 u32 run id · 24 u64 refused so far · 32 u64 first sequence of the step
 *   40 u16 step · 42 u16 flags (bits 0–1 what the sweep varies, bit 2 end of run) · 44 u32 the step's
 *   value (packets/s, bytes or burst count) · 48 u32 check: FNV-1a's step over the twelve big-endian
 *   32-bit words of bytes 0–47 (a word at a time: a quarter of the work of a byte-wise hash on the
 *   receiver's hot path, and with the magic, 64 bits that another payload matches by chance once in 2^64).
 */
import { putU32be, putU64be, u16be, u32be } from '../decoders/bytes';

/** "GSPR". */
export const PAIRING_MAGIC = 0x47535052;
/** Smallest datagram that carries the account. */
export const PAIRED_MIN_SIZE = 52;
/** Sequence numbers and counts above this are not exact in a double: refused. */
const MAX_COUNT = 2 ** 53 - 1;
const FLAG_END = 4;
const KNOWN_FLAGS = 0b111;

/** What a sweep varies from step to step ('none' outside a sweep). */
export type SweepKind = 'none' | 'rate' | 'size' | 'burst';
const KINDS: readonly SweepKind[] = ['none', 'rate', 'size', 'burst'];

/** The sender's account in one datagram. */
export interface SenderAccount {
  sequence: number;
  sendUs: number;
  /** Random per run: a new id is a restarted (or another) sender. */
  run: number;
  /** Of the sequence numbers below this one, how many the sender's OS refused (known when this one was written). */
  refused: number;
  /** The sweep step (0 outside a sweep), the first sequence number of it, what it varies and its value. */
  step: number;
  stepFirstSequence: number;
  sweep: SweepKind;
  stepValue: number;
  /** The sender's last datagram of the run: `sequence` numbers were handed out before it. */
  end: boolean;
}

/** Why a datagram's account was not believed. */
export type AccountRefusal = 'short' | 'absent' | 'checksum' | 'out-of-bounds';

/** Writes the account into a 'seq' datagram (the header must be written already); false if it does not fit. */
export function writeAccount(target: Uint8Array, a: Omit<SenderAccount, 'sequence' | 'sendUs'>): boolean {
  if (target.length < PAIRED_MIN_SIZE) return false;
  putU32be(target, 16, PAIRING_MAGIC);
  putU32be(target, 20, a.run >>> 0);
  putU64be(target, 24, a.refused);
  putU64be(target, 32, a.stepFirstSequence);
  target[40] = (a.step >> 8) & 0xff;
  target[41] = a.step & 0xff;
  const flags = KINDS.indexOf(a.sweep) | (a.end ? FLAG_END : 0);
  target[42] = 0;
  target[43] = flags;
  putU32be(target, 44, Math.min(0xffffffff, Math.max(0, Math.round(a.stepValue))));
  putU32be(target, 48, fnv1a(target, 48));
  return true;
}

/** Reads and checks a datagram's account: the account, or why it is not one. */
export function readAccount(p: Uint8Array): SenderAccount | AccountRefusal {
  if (p.length < PAIRED_MIN_SIZE) return 'short';
  if (u32be(p, 16) !== PAIRING_MAGIC) return 'absent';
  if (u32be(p, 48) !== fnv1a(p, 48)) return 'checksum';
  const sequence = u53(p, 0);
  const sendUs = u53(p, 8);
  const refused = u53(p, 24);
  const stepFirstSequence = u53(p, 32);
  const flags = u16be(p, 42);
  if (sequence === null || sendUs === null || refused === null || stepFirstSequence === null) return 'out-of-bounds';
  if (refused > sequence || stepFirstSequence > sequence || flags & ~KNOWN_FLAGS) return 'out-of-bounds';
  return {
    sequence,
    sendUs,
    run: u32be(p, 20),
    refused,
    step: u16be(p, 40),
    stepFirstSequence,
    sweep: KINDS[flags & 3]!,
    stepValue: u32be(p, 44),
    end: (flags & FLAG_END) !== 0,
  };
}

/** A sentence for a refusal, in the listener's words. */
export function refusalText(r: AccountRefusal): string {
  switch (r) {
    case 'short':
      return `shorter than the ${PAIRED_MIN_SIZE} bytes a sender's account needs`;
    case 'absent':
      return 'no sender account in the payload';
    case 'checksum':
      return "the sender's account fails its checksum (damaged, or another program's payload)";
    case 'out-of-bounds':
      return "the sender's account has impossible numbers (refused more than it numbered, a step that starts later than the datagram, or a count past 2^53)";
  }
}

function u53(p: Uint8Array, o: number): number | null {
  const hi = u32be(p, o);
  if (hi > 0x1fffff) return null;
  const v = hi * 4294967296 + u32be(p, o + 4);
  return v <= MAX_COUNT ? v : null;
}

function fnv1a(p: Uint8Array, n: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < n; i += 4) h = Math.imul(h ^ u32be(p, i), 0x01000193);
  return (h ^ (h >>> 16)) >>> 0;
}
