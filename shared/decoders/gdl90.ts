/**
 * GDL90 streams (Stratux, SkyEcho, Sentry... on UDP 4000): frames, CRCs and message types per
 * datagram, and loss estimated from the 1 Hz heartbeat, since GDL90 carries no sequence number.
 */
import { FrameStatus, GDL90_MAX_FRAME, scanGdl90, splitGdl90, type FrameStatusCode } from './gdl90Frame';
import { GDL90_LENGTHS, Gdl90Id, describeGdl90Message, gdl90MessageName, heartbeatSeconds } from './gdl90Messages';
import { PacketFlags, newVerdict, resetVerdict, type DecodeStats, type PacketVerdict, type StreamDecoder } from './types';

const DAY = 86_400;
/** Same-second heartbeats needed, while time passes, before the timestamp is deemed stuck. */
const STUCK_AFTER = 3;
/** Seconds remembered for telling a late heartbeat that fills a hole from a repeat (divides DAY). */
const SECONDS_KEPT = 64;
/** A same-second heartbeat sooner than this after the previous one is a duplicated datagram, not a tick. */
const DUPLICATE_WITHIN_S = 0.5;

/**
 * Estimates lost heartbeats from their timestamps (seconds since 0000Z, 1 Hz): a missing second is a
 * missing heartbeat, and lost = seconds elapsed − distinct seconds received, whatever the duplicates:
 * a late heartbeat fills its second's hole, a datagram received twice (same second, less than half a
 * second apart) changes nothing. Midnight wraps (86399 → 0 is one second). Guards against what real
 * receivers do:
 *  - a timestamp that jumps ahead of the time that passed at the receiver (a clock set from GPS) starts
 *    counting again instead of counting the jump as loss;
 *  - a timestamp that does not advance (no GPS time: some devices send 0) switches to arrival times;
 *  - a sender ticking near a second boundary sometimes skips a second and then repeats one: the repeat
 *    takes the skip back (as iperf 3 takes a late packet off its loss).
 */
export class HeartbeatLossEstimator {
  received = 0;
  expected = 0;
  lost = 0;
  repeats = 0;
  /** Heartbeats received twice (same second, under half a second apart). */
  duplicates = 0;
  late = 0;
  resyncs = 0;
  /** True once the timestamp was found stuck and arrival times are used instead. */
  byArrival = false;
  private last: number | null = null;
  private lastArrival = 0;
  private sameInARow = 0;
  private readonly seen = new Uint8Array(SECONDS_KEPT);

  /** Adds a heartbeat stamped `seconds` that arrived at arrivalMs; returns how many were missed before it. */
  add(seconds: number, arrivalMs: number): number {
    this.received += 1;
    if (this.last === null) {
      this.last = seconds;
      this.lastArrival = arrivalMs;
      this.expected += 1;
      this.mark(seconds, 0);
      return 0;
    }
    const gapS = Math.max(0, (arrivalMs - this.lastArrival) / 1000);
    if (this.byArrival) {
      this.lastArrival = arrivalMs;
      return this.count(Math.max(1, Math.round(gapS)));
    }
    const delta = (((seconds - this.last) % DAY) + DAY) % DAY;
    if (delta === 0 && gapS < DUPLICATE_WITHIN_S) {
      this.duplicates += 1; // the same datagram again (captured twice, duplicated on the way)
      return 0;
    }
    this.lastArrival = arrivalMs;
    if (delta === 0) {
      if (gapS >= DUPLICATE_WITHIN_S) this.sameInARow += 1;
      if (this.sameInARow >= STUCK_AFTER) {
        this.byArrival = true;
        return this.count(Math.max(1, Math.round(gapS)));
      }
      this.repeats += 1;
      if (this.lost > 0) this.lost -= 1;
      return 0;
    }
    this.sameInARow = 0;
    if (delta > DAY / 2) {
      // Older than the latest: delayed, not new. A second not seen yet fills its hole.
      if (DAY - delta < SECONDS_KEPT && this.seen[seconds % SECONDS_KEPT]) {
        this.duplicates += 1;
        return 0;
      }
      this.late += 1;
      if (DAY - delta < SECONDS_KEPT) {
        this.seen[seconds % SECONDS_KEPT] = 1;
        if (this.lost > 0) this.lost -= 1;
      }
      return 0;
    }
    this.last = seconds;
    if (delta > gapS + Math.max(3, gapS * 0.1)) {
      this.resyncs += 1; // the clock moved more than the time that passed
      this.expected += 1;
      this.seen.fill(0);
      this.mark(seconds, 0);
      return 0;
    }
    this.mark(seconds, delta - 1);
    return this.count(delta);
  }

  /** Records `seconds` as seen and the `skipped` seconds before it as not seen. */
  private mark(seconds: number, skipped: number): void {
    if (skipped >= SECONDS_KEPT) this.seen.fill(0);
    else for (let k = 1; k <= skipped; k++) this.seen[(seconds - k + DAY) % SECONDS_KEPT] = 0;
    this.seen[seconds % SECONDS_KEPT] = 1;
  }

  private count(step: number): number {
    this.expected += step;
    this.lost += step - 1;
    return step - 1;
  }
}

/** A sentence per frame, for the packet inspector. */
export function describeGdl90(payload: Uint8Array): string {
  const { frames, junk } = splitGdl90(payload);
  if (frames.length === 0) return junk ? `not GDL90: no 0x7E flag in ${payload.length} bytes` : 'empty';
  const parts = frames.map(({ message, status }) => {
    if (status === FrameStatus.ok) return describeGdl90Message(message);
    const name = message.length ? gdl90MessageName(message, message.length) : 'GDL90 frame';
    return `${name}: ${STATUS_TEXT[status]}`;
  });
  if (junk) parts.push(`${junk} bytes before the first flag`);
  return parts.join('; ');
}

const STATUS_TEXT: Record<FrameStatusCode, string> = {
  0: 'ok',
  1: 'CRC error',
  2: 'bad escape (0x7D before a flag or at the end)',
  3: 'too short for id and CRC',
  4: `longer than ${GDL90_MAX_FRAME} bytes`,
  5: 'no closing flag',
};

/**
 * Whether a heartbeat's status bits say the device started again since the previous heartbeat
 * (status byte 1 high, byte 2 low): UAT Initialized (byte 1 b0) went off, or GPS Position Valid
 * (byte 1 b7) and UTC OK (byte 2 b0) both went off together, as at a boot before the GPS has a fix.
 */
export function heartbeatSaysRestarted(before: number, now: number): boolean {
  const uatInit = 0x0100;
  const gpsValid = 0x8000;
  const utcOk = 0x0001;
  if (before & uatInit && !(now & uatInit)) return true;
  return (before & gpsValid) !== 0 && (before & utcOk) !== 0 && (now & gpsValid) === 0 && (now & utcOk) === 0;
}

/** Counts GDL90 frames, CRC errors and message types, and estimates loss from the heartbeat. */
export class Gdl90StreamDecoder implements StreamDecoder {
  readonly format = 'gdl90' as const;
  readonly heartbeats = new HeartbeatLossEstimator();
  private readonly scratch = new Uint8Array(GDL90_MAX_FRAME + 2);
  private readonly verdict = newVerdict('GDL90');
  private readonly byId = new Uint32Array(256);
  private readonly foreFlightBySubId = new Uint32Array(256);
  private frames = 0;
  private crcErrors = 0;
  private framingErrors = 0;
  private lengthErrors = 0;
  private datagramsWithoutFrames = 0;
  private arrivalMs = 0;
  /** The previous heartbeat's status byte 1 and byte 2, or -1 before the first. */
  private lastStatus = -1;
  private restarts = 0;
  // The visitor is bound once so that scanning allocates nothing per packet.
  private readonly visit = (m: Uint8Array, length: number, status: FrameStatusCode): void => this.onFrame(m, length, status);

  /** Counts every frame in one datagram. */
  onPayload(payload: Uint8Array, arrivalMs: number): PacketVerdict {
    const v = resetVerdict(this.verdict, 'GDL90');
    this.arrivalMs = arrivalMs;
    const before = this.frames + this.crcErrors + this.framingErrors + this.lengthErrors;
    const junk = scanGdl90(payload, this.scratch, this.visit);
    if (junk > 0) v.flags |= PacketFlags.framingError;
    if (this.frames + this.crcErrors + this.framingErrors + this.lengthErrors === before) {
      this.datagramsWithoutFrames += 1;
      v.flags |= PacketFlags.malformed;
    }
    return v;
  }

  private onFrame(m: Uint8Array, length: number, status: FrameStatusCode): void {
    const v = this.verdict;
    if (status === FrameStatus.crcError) {
      this.crcErrors += 1;
      v.flags |= PacketFlags.crcError;
      return;
    }
    if (status !== FrameStatus.ok) {
      this.framingErrors += 1;
      v.flags |= PacketFlags.framingError;
      return;
    }
    const id = m[0]!;
    const icdLength = GDL90_LENGTHS.get(id);
    if (icdLength !== undefined && icdLength !== length) {
      this.lengthErrors += 1;
      v.flags |= PacketFlags.framingError;
      return;
    }
    this.frames += 1;
    if (id === Gdl90Id.foreFlight && length >= 2) this.foreFlightBySubId[m[1]!] = this.foreFlightBySubId[m[1]!]! + 1;
    else this.byId[id] = this.byId[id]! + 1;
    if (v.kind === 'GDL90') v.kind = gdl90MessageName(m, length);
    if (id === Gdl90Id.heartbeat) {
      const seconds = heartbeatSeconds(m, length);
      if (seconds !== null) {
        const missed = this.heartbeats.add(seconds, this.arrivalMs);
        v.sequence = seconds;
        const status = (m[1]! << 8) | m[2]!;
        const restarted = this.lastStatus >= 0 && heartbeatSaysRestarted(this.lastStatus, status);
        this.lastStatus = status;
        if (restarted) {
          // The device is just up: the heartbeats it did not send while it was down are not loss.
          this.restarts += 1;
          v.flags |= PacketFlags.restart;
          v.restart = 'heartbeat';
        } else if (missed > 0) {
          v.skipped += missed;
          v.flags |= PacketFlags.gap;
        }
      }
    }
  }

  /** A sentence per frame for the packet inspector. */
  describe(payload: Uint8Array): string {
    return describeGdl90(payload);
  }

  /** Totals in heartbeats (the only 1 Hz clock GDL90 has) plus frame and CRC counts. */
  stats(): DecodeStats {
    const h = this.heartbeats;
    const notes = [
      h.byArrival
        ? 'GDL90 has no sequence number; the heartbeat timestamp does not advance, so loss is estimated from heartbeat arrival times (one per second).'
        : 'GDL90 has no sequence number: loss is estimated in heartbeats (1 Hz) from their timestamps — a missing second is a missing heartbeat.',
    ];
    const counts: string[] = [];
    for (let id = 0; id < 256; id++) {
      const n = this.byId[id]!;
      if (n) counts.push(`${gdl90MessageName(Uint8Array.of(id), 1).replace('GDL90 ', '')} ${n}`);
    }
    for (let sub = 0; sub < 256; sub++) {
      const n = this.foreFlightBySubId[sub]!;
      if (n) counts.push(`${gdl90MessageName(Uint8Array.of(Gdl90Id.foreFlight, sub), 2).replace('GDL90 ', '')} ${n}`);
    }
    notes.push(`${this.frames} frames with a good CRC${counts.length ? `: ${counts.join(', ')}` : ''}.`);
    if (this.crcErrors) notes.push(`${this.crcErrors} frames failed the CRC.`);
    if (this.framingErrors) notes.push(`${this.framingErrors} frames were badly framed (escape, length or missing flag).`);
    if (this.lengthErrors) notes.push(`${this.lengthErrors} frames passed the CRC but not the ICD length of their message id, and were not counted.`);
    if (!h.received) notes.push('No heartbeat received yet: no loss estimate.');
    if (this.restarts) notes.push(`${this.restarts} heartbeat(s) said the device had just started (UAT not initialized, or GPS position and UTC time both no longer valid, after a heartbeat where they were): counted as restarts, not loss.`);
    if (h.resyncs) notes.push(`The heartbeat clock jumped ${h.resyncs} time(s); those jumps were not counted as loss.`);
    if (h.repeats) notes.push(`${h.repeats} heartbeats repeated the previous second about a second later (a sender ticking near a second boundary): each takes back a second counted as missing.`);
    if (h.duplicates) notes.push(`${h.duplicates} heartbeats were received twice: counted as received, not as seconds (lost = seconds elapsed − distinct seconds).`);
    if (h.late) notes.push(`${h.late} heartbeats arrived after a later one; each fills its second.`);
    if (this.datagramsWithoutFrames) notes.push(`${this.datagramsWithoutFrames} datagrams held no GDL90 frame.`);
    return {
      format: 'gdl90',
      received: h.received,
      expected: h.received ? h.expected : null,
      lost: h.received ? h.lost : null,
      duplicates: h.repeats + h.duplicates,
      reordered: h.late,
      outOfOrder: h.repeats + h.duplicates + h.late,
      jitterMs: null,
      crcErrors: this.crcErrors,
      notes,
    };
  }
}
