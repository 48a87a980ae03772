/**
 * The one entry point the receiver, the CLI and the UI use: `createDecoder(format)` gives a
 * StreamDecoder fed every datagram; 'auto' detects the format from the first datagrams first.
 */
import { detectFormat, type Detection } from './detect';
import { Gdl90StreamDecoder, describeGdl90 } from './gdl90';
import { Iperf2StreamDecoder, describeIperf2, type IdBits } from './iperf2';
import { Iperf3StreamDecoder, describeIperf3, type CountBits } from './iperf3';
import { MavlinkStreamDecoder, describeMavlink } from './mavlink';
import { MpegTsStreamDecoder, describeTs } from './mpegts';
import { NmeaStreamDecoder, describeNmea } from './nmea';
import { RtpStreamDecoder, describeRtp } from './rtp';
import { SeqStreamDecoder, SequenceFieldStreamDecoder, parseSequenceField, type SequenceFieldSpec } from './sequenceField';
import { newVerdict, resetVerdict, type DecodeStats, type FormatName, type PacketVerdict, type StreamDecoder } from './types';

/** What the user asks for: a format, automatic detection, or a sequence field of their own. */
export type FormatChoice = Exclude<FormatName, 'field'> | 'auto' | SequenceFieldSpec;

/** Format-specific settings, all optional. */
export interface DecoderOptions {
  /** iperf 2 id width ('auto': from the header flag, as iperf's server decides). */
  iperf2IdBits?: IdBits;
  /** iperf 3 packet count width. */
  iperf3CountBits?: CountBits;
  /** Clock rate for RTP jitter with a dynamic payload type. */
  rtpClockRate?: number;
  /** The stream's UDP port, a hint for detection. */
  port?: number;
  /** Datagrams 'auto' looks at before deciding (default 16; it decides sooner when sure). */
  detectAfter?: number;
}

const FORMAT_NAMES: ReadonlySet<string> = new Set(['auto', 'iperf2', 'iperf3', 'rtp', 'mavlink', 'mpegts', 'gdl90', 'nmea', 'seq', 'none']);

/** Parses the CLI's --decode value: auto|iperf2|iperf3|rtp|mavlink|mpegts|gdl90|nmea|seq|none|seq:OFFSET:WIDTH:be|le. */
export function parseFormat(text: string): FormatChoice | null {
  const t = text.trim().toLowerCase();
  if (FORMAT_NAMES.has(t)) return t as FormatChoice;
  return parseSequenceField(t);
}

/** A decoder for one stream in the given format. */
export function createDecoder(format: FormatChoice, options: DecoderOptions = {}): StreamDecoder {
  if (typeof format === 'object') return new SequenceFieldStreamDecoder(format);
  switch (format) {
    case 'iperf2':
      return new Iperf2StreamDecoder(options.iperf2IdBits ?? 'auto');
    case 'iperf3':
      return new Iperf3StreamDecoder(options.iperf3CountBits ?? 'auto');
    case 'rtp':
      return new RtpStreamDecoder(options.rtpClockRate === undefined ? {} : { clockRate: options.rtpClockRate });
    case 'mavlink':
      return new MavlinkStreamDecoder();
    case 'mpegts':
      return new MpegTsStreamDecoder();
    case 'gdl90':
      return new Gdl90StreamDecoder();
    case 'nmea':
      return new NmeaStreamDecoder();
    case 'seq':
      return new SeqStreamDecoder();
    case 'auto':
      return new AutoStreamDecoder(options);
    default:
      return new UndecodedStream();
  }
}

/** A sentence for the packet inspector about one payload in a known format. */
export function describePacket(format: FormatName | SequenceFieldSpec, payload: Uint8Array): string {
  if (typeof format === 'object') return new SequenceFieldStreamDecoder(format).describe(payload);
  switch (format) {
    case 'iperf2':
      return describeIperf2(payload);
    case 'iperf3':
      return describeIperf3(payload);
    case 'rtp':
      return describeRtp(payload);
    case 'mavlink':
      return describeMavlink(payload);
    case 'mpegts':
      return describeTs(payload);
    case 'gdl90':
      return describeGdl90(payload);
    case 'nmea':
      return describeNmea(payload);
    case 'seq':
      return new SeqStreamDecoder().describe(payload);
    default:
      return `${payload.length} bytes, format not recognized`;
  }
}

/** A stream whose format is unknown: only datagrams are counted. */
export class UndecodedStream implements StreamDecoder {
  readonly format = 'none' as const;
  private readonly verdict = newVerdict('undecoded');
  private received = 0;

  /** Counts one datagram. */
  onPayload(_payload: Uint8Array, _arrivalMs: number): PacketVerdict {
    this.received += 1;
    return resetVerdict(this.verdict, 'undecoded');
  }

  /** Says the format is not known. */
  describe(payload: Uint8Array): string {
    return `${payload.length} bytes, format not recognized`;
  }

  /** Datagrams only: without a sequence number, loss is seen only as time gaps. */
  stats(): DecodeStats {
    return {
      format: 'none', received: this.received, expected: null, lost: null, duplicates: null, reordered: null, outOfOrder: null, jitterMs: null, crcErrors: 0,
      notes: ['No payload format decoded: loss is seen only as time gaps.'],
    };
  }
}

/** Sure enough to decide before detectAfter datagrams. */
const EARLY_CONFIDENCE = 0.9;
/** Datagrams looked at before deciding early. */
const EARLY_AFTER = 4;

/**
 * Holds the first datagrams (copies) until the format is clear, then replays them into the chosen
 * decoder and passes everything on. Decides after `detectAfter` datagrams, or sooner when sure.
 */
export class AutoStreamDecoder implements StreamDecoder {
  private inner: StreamDecoder | null = null;
  private readonly held: Uint8Array[] = [];
  private readonly heldAt: number[] = [];
  private readonly verdict = newVerdict('detecting');
  private readonly detectAfter: number;
  /** The detection, once made. */
  detection: Detection | null = null;

  constructor(private readonly options: DecoderOptions = {}) {
    this.detectAfter = Math.max(1, Math.floor(options.detectAfter ?? 16));
  }

  /** The detected format, or 'none' until then. */
  get format(): FormatName {
    return this.inner?.format ?? 'none';
  }

  /** Decodes (or holds, until the format is known) one datagram. */
  onPayload(payload: Uint8Array, arrivalMs: number): PacketVerdict {
    if (this.inner) return this.inner.onPayload(payload, arrivalMs);
    this.held.push(payload.slice());
    this.heldAt.push(arrivalMs);
    const n = this.held.length;
    if (n >= EARLY_AFTER || n >= this.detectAfter) {
      const d = detectFormat(this.held, this.options.port);
      if (n >= this.detectAfter || (d.format !== 'none' && d.confidence >= EARLY_CONFIDENCE)) {
        this.decide(d);
        let last = resetVerdict(this.verdict, 'detecting');
        for (let i = 0; i < this.held.length; i++) last = this.inner!.onPayload(this.held[i]!, this.heldAt[i]!);
        this.held.length = 0;
        this.heldAt.length = 0;
        return last;
      }
    }
    return resetVerdict(this.verdict, 'detecting');
  }

  private decide(d: Detection): void {
    this.detection = d;
    this.inner = createDecoder(d.format === 'field' ? 'none' : d.format, this.options);
  }

  /** A sentence for the packet inspector. */
  describe(payload: Uint8Array): string {
    return this.inner ? this.inner.describe(payload) : 'format not detected yet';
  }

  /** The chosen decoder's totals, with how it was chosen. */
  stats(): DecodeStats {
    if (!this.inner) {
      return {
        format: 'none', received: this.held.length, expected: null, lost: null, duplicates: null, reordered: null, outOfOrder: null, jitterMs: null, crcErrors: 0,
        notes: [`Detecting the payload format: ${this.held.length} of up to ${this.detectAfter} datagrams seen.`],
      };
    }
    const s = this.inner.stats();
    const d = this.detection!;
    s.notes.unshift(`Format detected automatically: ${d.format} (confidence ${d.confidence.toFixed(2)}; ${d.reason}).`);
    return s;
  }
}
