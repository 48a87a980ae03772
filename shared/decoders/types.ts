/** What every stream decoder reports, so that the receiver, the CLI and the UI treat formats alike. */

/** The payload formats Gapscope can decode; 'field' is a user-defined sequence field. */
export type FormatName = 'iperf2' | 'iperf3' | 'rtp' | 'mavlink' | 'mpegts' | 'gdl90' | 'nmea' | 'seq' | 'field' | 'none';

/** Bits of PacketVerdict.flags: what a decoder noticed about one datagram. */
export const PacketFlags = {
  /** A frame's CRC did not match (GDL90, MAVLink with a known message id). */
  crcError: 1 << 0,
  /** An NMEA sentence's checksum did not match. */
  checksumError: 1 << 1,
  /** The payload is too short or not laid out as the format says. */
  malformed: 1 << 2,
  /** Sequence number seen before. */
  duplicate: 1 << 3,
  /** Sequence number lower than the highest so far, first arrival (late). */
  reordered: 1 << 4,
  /** Sequence numbers were skipped just before this packet (see PacketVerdict.skipped). */
  gap: 1 << 5,
  /** iperf 2's end-of-test datagram (the first one, which iperf counts). */
  final: 1 << 6,
  /** A repeat of iperf 2's end-of-test datagram, or a datagram after the end: not counted. */
  afterEnd: 1 << 7,
  /** The payload was not counted (iperf 2 id 0, RTCP, RTP resync probe, null packets...). */
  ignored: 1 << 8,
  /** A MAVLink frame whose message id is not in Gapscope's CRC_EXTRA table. */
  crcNotChecked: 1 << 9,
  /** GDL90 / MPEG-TS framing problem: bad escape, lost sync byte. */
  framingError: 1 << 10,
  /** The stream restarted (new iperf run, RTP resync): counting began again. */
  restart: 1 << 11,
} as const;

/**
 * What a decoder found in one datagram. Decoders reuse one object for every packet (the hot path
 * runs at up to 100k packets/s): read it before the next call, copy what you keep.
 */
export interface PacketVerdict {
  /** The datagram's sequence number as the format counts it (extended/unwrapped), or null. */
  sequence: number | null;
  /** PacketFlags bits. */
  flags: number;
  /** Sequence numbers skipped just before this packet: the caller adds them to the gap that just ended. */
  skipped: number;
  /** A short constant label, e.g. 'GDL90 Heartbeat', 'RTP', 'iperf2'. */
  kind: string;
  /** With PacketFlags.restart: what says the device (or its counter) started again; null otherwise. */
  restart: RestartReason | null;
}

/**
 * Why a packet starts the count again: its sequence number went back to its start (sequence), jumped
 * forward by millions in one step (jump: a restart, or a payload read in the wrong format), a new
 * RTP SSRC, a MAVLink component's boot time went back, a GDL90 heartbeat says the device is just up.
 */
export type RestartReason = 'sequence' | 'jump' | 'ssrc' | 'boot-time' | 'heartbeat' | 'new-run';

/** A stream's totals by the format's own counting. Counts are null where the format carries no sequence. */
export interface DecodeStats {
  format: FormatName;
  /** Packets counted (duplicates included, as iperf counts datagrams). */
  received: number;
  /** iperf's "Total": the span of sequence numbers from the first expected to the highest seen. */
  expected: number | null;
  /** iperf's "Lost" (see lossCounter.ts for the exact convention). */
  lost: number | null;
  duplicates: number | null;
  /** Late first arrivals. */
  reordered: number | null;
  /** iperf's "datagrams received out-of-order": reordered + duplicates. */
  outOfOrder: number | null;
  /** RFC 3550 interarrival jitter in ms, when the payload carries a send time. */
  jitterMs: number | null;
  crcErrors: number;
  /** Sentences a person reads: what the numbers mean and where they stop being exact. */
  notes: string[];
}

/** A decoder for one stream: fed every datagram in arrival order. */
export interface StreamDecoder {
  readonly format: FormatName;
  /** Decodes one datagram that arrived at arrivalMs and updates the loss and jitter counts. */
  onPayload(payload: Uint8Array, arrivalMs: number): PacketVerdict;
  /** A sentence for the packet inspector; decodes again, so call it only for packets shown. */
  describe(payload: Uint8Array): string;
  /** Totals so far. */
  stats(): DecodeStats;
}

/** A fresh verdict object for a decoder to reuse. */
export function newVerdict(kind: string): PacketVerdict {
  return { sequence: null, flags: 0, skipped: 0, kind, restart: null };
}

/** Clears a reused verdict before a packet. */
export function resetVerdict(v: PacketVerdict, kind: string): PacketVerdict {
  v.sequence = null;
  v.flags = 0;
  v.skipped = 0;
  v.kind = kind;
  v.restart = null;
  return v;
}
