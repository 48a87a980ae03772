/**
 * NMEA 0183 sentences ('$...*hh\r\n', AIS '!...*hh'): hh is the XOR of every character between the
 * start character and '*'. NMEA carries no sequence number, so only checksums are counted.
 */
import { asciiText, hex2 } from './bytes';
import { PacketFlags, newVerdict, resetVerdict, type DecodeStats, type PacketVerdict, type StreamDecoder } from './types';

/** What a sentence's checksum says. */
export type NmeaChecksum = 'ok' | 'bad' | 'missing';

/** One sentence found in a datagram. */
export interface NmeaSentence {
  /** Talker and type, e.g. 'GPGGA'. */
  address: string;
  checksum: NmeaChecksum;
  /** The checksum the sentence carries and the one computed (null when missing). */
  sent: number | null;
  computed: number;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * Checks the sentence in bytes[start, end) (start at '$' or '!'); returns the checksum state, or null
 * if it is not a sentence. Writes the carried and computed values into `out` when given.
 */
export function checkNmeaSentence(bytes: Uint8Array, start: number, end: number, out?: { sent: number; computed: number }): NmeaChecksum | null {
  const first = bytes[start];
  if (first !== 0x24 && first !== 0x21) return null;
  let x = 0;
  for (let i = start + 1; i < end; i++) {
    const c = bytes[i]!;
    if (c === 0x2a) {
      const hi = i + 1 < end ? hexValue(bytes[i + 1]!) : -1;
      const lo = i + 2 < end ? hexValue(bytes[i + 2]!) : -1;
      if (out) {
        out.computed = x;
        out.sent = hi >= 0 && lo >= 0 ? (hi << 4) | lo : -1;
      }
      if (hi < 0 || lo < 0) return 'bad';
      return ((hi << 4) | lo) === x ? 'ok' : 'bad';
    }
    x ^= c;
  }
  if (out) {
    out.computed = x;
    out.sent = -1;
  }
  return 'missing';
}

/** Every sentence in a datagram (for the inspector and tests). */
export function parseNmea(payload: Uint8Array): NmeaSentence[] {
  const out: NmeaSentence[] = [];
  const values = { sent: 0, computed: 0 };
  forEachLine(payload, (start, end) => {
    const state = checkNmeaSentence(payload, start, end, values);
    if (state === null) return;
    let addrEnd = start + 1;
    while (addrEnd < end && payload[addrEnd] !== 0x2c && payload[addrEnd] !== 0x2a) addrEnd++;
    out.push({ address: asciiText(payload, start + 1, addrEnd), checksum: state, sent: values.sent < 0 ? null : values.sent, computed: values.computed });
  });
  return out;
}

/** Calls fn for each CR/LF-separated line that is not empty. */
function forEachLine(payload: Uint8Array, fn: (start: number, end: number) => void): void {
  let start = 0;
  for (let i = 0; i <= payload.length; i++) {
    if (i === payload.length || payload[i] === 0x0d || payload[i] === 0x0a) {
      if (i > start) fn(start, i);
      start = i + 1;
    }
  }
}

/** Appends '*hh' to a sentence body that starts with '$' (for tests and a future generator mode). */
export function withNmeaChecksum(sentence: string): string {
  let x = 0;
  for (let i = 1; i < sentence.length; i++) x ^= sentence.charCodeAt(i) & 0xff;
  return `${sentence}*${hex2(x).toUpperCase()}`;
}

/** A sentence for the packet inspector. */
export function describeNmea(payload: Uint8Array): string {
  const sentences = parseNmea(payload);
  if (sentences.length === 0) return `not NMEA: "${asciiText(payload, 0, 24)}"`;
  return sentences
    .map((s) => {
      if (s.checksum === 'ok') return `NMEA $${s.address} checksum ok`;
      if (s.checksum === 'missing') return `NMEA $${s.address} without checksum`;
      const sent = s.sent === null ? 'unreadable' : hex2(s.sent).toUpperCase();
      return `NMEA $${s.address} checksum BAD (sent ${sent}, computed ${hex2(s.computed).toUpperCase()})`;
    })
    .join('; ');
}

/** Counts NMEA datagrams, sentences and checksum errors. */
export class NmeaStreamDecoder implements StreamDecoder {
  readonly format = 'nmea' as const;
  private readonly verdict = newVerdict('NMEA');
  private datagrams = 0;
  private sentences = 0;
  private bad = 0;
  private missing = 0;
  private notNmea = 0;

  /** Checks every sentence in one datagram. */
  onPayload(payload: Uint8Array, _arrivalMs: number): PacketVerdict {
    const v = resetVerdict(this.verdict, 'NMEA');
    this.datagrams += 1;
    let found = 0;
    let start = 0;
    for (let i = 0; i <= payload.length; i++) {
      if (i !== payload.length && payload[i] !== 0x0d && payload[i] !== 0x0a) continue;
      if (i > start) {
        const state = checkNmeaSentence(payload, start, i);
        if (state !== null) {
          found += 1;
          if (state === 'bad') {
            this.bad += 1;
            v.flags |= PacketFlags.checksumError;
          } else if (state === 'missing') this.missing += 1;
        }
      }
      start = i + 1;
    }
    this.sentences += found;
    if (found === 0) {
      this.notNmea += 1;
      v.flags |= PacketFlags.malformed;
    }
    return v;
  }

  /** A sentence for the packet inspector. */
  describe(payload: Uint8Array): string {
    return describeNmea(payload);
  }

  /** Totals: datagrams and checksum errors; NMEA has no sequence, so no loss count. */
  stats(): DecodeStats {
    const notes = [`NMEA carries no sequence number: loss is seen only as time gaps. ${this.sentences} sentences in ${this.datagrams} datagrams.`];
    if (this.bad) notes.push(`${this.bad} sentences failed their checksum.`);
    if (this.missing) notes.push(`${this.missing} sentences had no checksum.`);
    if (this.notNmea) notes.push(`${this.notNmea} datagrams held no NMEA sentence.`);
    return { format: 'nmea', received: this.datagrams, expected: null, lost: null, duplicates: null, reordered: null, outOfOrder: null, jitterMs: null, crcErrors: this.bad, notes };
  }
}
