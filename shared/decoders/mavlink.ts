/**
 * MAVLink v1 (0xFE) and v2 (0xFD) framing (mavlink.io serialization guide): length, sequence (u8 per
 * system/component), system and component ids, message id, X.25 CRC seeded with the message's
 * CRC_EXTRA. Payloads are not decoded; the CRC is checked only for the message ids below.
 */
import { mavlinkCrc } from './crc';
import { LossCounter, sumLossCounts } from './lossCounter';
import { applyArrival, counterStats } from './sequenceField';
import { PacketFlags, newVerdict, resetVerdict, type DecodeStats, type PacketVerdict, type StreamDecoder } from './types';

/**
 * CRC_EXTRA of the common messages Gapscope checks, from mavlink/c_library_v2 common/common.h
 * (MAVLINK_MESSAGE_CRCS {msgid, crc_extra, min_len, max_len, ...}): {0, 50, 9, 9}, {1, 124, 31, 43},
 * {24, 24, 30, 52}, {30, 39, 28, 28}, {33, 104, 28, 28}. Other ids: 'crc not checked'.
 */
export const MAVLINK_CRC_EXTRA: ReadonlyMap<number, { name: string; crcExtra: number }> = new Map([
  [0, { name: 'HEARTBEAT', crcExtra: 50 }],
  [1, { name: 'SYS_STATUS', crcExtra: 124 }],
  [24, { name: 'GPS_RAW_INT', crcExtra: 24 }],
  [30, { name: 'ATTITUDE', crcExtra: 39 }],
  [33, { name: 'GLOBAL_POSITION_INT', crcExtra: 104 }],
]);

/** Start byte of a MAVLink 1 frame. */
export const MAVLINK_V1_MAGIC = 0xfe;
/** Start byte of a MAVLink 2 frame. */
export const MAVLINK_V2_MAGIC = 0xfd;
/** v2 incompat flag: a 13-byte signature follows the CRC. */
export const MAVLINK_IFLAG_SIGNED = 0x01;

/** Whether a frame's CRC was checked. */
export type CrcState = 'ok' | 'bad' | 'not checked';

/** One MAVLink frame's header. */
export interface MavlinkFrame {
  version: 1 | 2;
  /** Payload length. */
  length: number;
  incompatFlags: number;
  compatFlags: number;
  seq: number;
  sysid: number;
  compid: number;
  msgid: number;
  crc: number;
  crcState: CrcState;
  signed: boolean;
  /** Bytes the whole frame takes, signature included. */
  frameLength: number;
}

/** Decodes the frame starting at payload[offset]; null if there is no magic byte there or it is truncated. */
export function decodeMavlinkFrame(payload: Uint8Array, offset = 0, out?: MavlinkFrame): MavlinkFrame | null {
  if (offset < 0 || offset + 1 >= payload.length) return null;
  const magic = payload[offset]!;
  const len = payload[offset + 1]!;
  const f = out ?? ({} as MavlinkFrame);
  let headerEnd: number;
  if (magic === MAVLINK_V1_MAGIC) {
    headerEnd = offset + 6;
    if (headerEnd + len + 2 > payload.length) return null;
    f.version = 1;
    f.incompatFlags = 0;
    f.compatFlags = 0;
    f.seq = payload[offset + 2]!;
    f.sysid = payload[offset + 3]!;
    f.compid = payload[offset + 4]!;
    f.msgid = payload[offset + 5]!;
    f.signed = false;
    f.frameLength = 8 + len;
  } else if (magic === MAVLINK_V2_MAGIC) {
    headerEnd = offset + 10;
    if (headerEnd > payload.length) return null;
    const incompat = payload[offset + 2]!;
    const signed = (incompat & MAVLINK_IFLAG_SIGNED) !== 0;
    const frameLength = 12 + len + (signed ? 13 : 0);
    if (offset + frameLength > payload.length) return null;
    f.version = 2;
    f.incompatFlags = incompat;
    f.compatFlags = payload[offset + 3]!;
    f.seq = payload[offset + 4]!;
    f.sysid = payload[offset + 5]!;
    f.compid = payload[offset + 6]!;
    f.msgid = payload[offset + 7]! | (payload[offset + 8]! << 8) | (payload[offset + 9]! << 16);
    f.signed = signed;
    f.frameLength = frameLength;
  } else {
    return null;
  }
  f.length = len;
  const crcAt = headerEnd + len;
  f.crc = payload[crcAt]! | (payload[crcAt + 1]! << 8);
  const known = MAVLINK_CRC_EXTRA.get(f.msgid);
  f.crcState = known ? (mavlinkCrc(payload, offset + 1, crcAt, known.crcExtra) === f.crc ? 'ok' : 'bad') : 'not checked';
  return f;
}

/** All frames in a datagram (several may share one), and whether bytes were left that are not a frame. */
export function decodeMavlink(payload: Uint8Array): { frames: MavlinkFrame[]; trailing: number } {
  const frames: MavlinkFrame[] = [];
  let offset = 0;
  while (offset < payload.length) {
    const f = decodeMavlinkFrame(payload, offset);
    if (!f) break;
    frames.push(f);
    offset += f.frameLength;
  }
  return { frames, trailing: payload.length - offset };
}

/** What the traffic generator or a test puts in a MAVLink frame. */
export interface MavlinkFields {
  version: 1 | 2;
  seq: number;
  sysid: number;
  compid: number;
  msgid: number;
  payload: Uint8Array;
  /** CRC_EXTRA; defaults to the table's value (0 for unknown ids). */
  crcExtra?: number;
}

/** Builds an unsigned MAVLink frame with its CRC. */
export function encodeMavlink(f: MavlinkFields): Uint8Array {
  const len = Math.min(255, f.payload.length);
  const header = f.version === 1 ? 6 : 10;
  const out = new Uint8Array(header + len + 2);
  out[0] = f.version === 1 ? MAVLINK_V1_MAGIC : MAVLINK_V2_MAGIC;
  out[1] = len;
  if (f.version === 1) {
    out.set([f.seq & 0xff, f.sysid & 0xff, f.compid & 0xff, f.msgid & 0xff], 2);
  } else {
    out.set([0, 0, f.seq & 0xff, f.sysid & 0xff, f.compid & 0xff, f.msgid & 0xff, (f.msgid >>> 8) & 0xff, (f.msgid >>> 16) & 0xff], 2);
  }
  out.set(f.payload.subarray(0, len), header);
  const crc = mavlinkCrc(out, 1, header + len, f.crcExtra ?? MAVLINK_CRC_EXTRA.get(f.msgid)?.crcExtra ?? 0);
  out[header + len] = crc & 0xff;
  out[header + len + 1] = crc >>> 8;
  return out;
}

/** A sentence for the packet inspector. */
export function describeMavlink(payload: Uint8Array): string {
  const { frames, trailing } = decodeMavlink(payload);
  if (frames.length === 0) return payload.length ? `not MAVLink (starts 0x${payload[0]!.toString(16).padStart(2, '0')}) or truncated` : 'empty';
  const parts = frames.map((f) => {
    const name = MAVLINK_CRC_EXTRA.get(f.msgid)?.name ?? `msg ${f.msgid}`;
    const crc = f.crcState === 'not checked' ? 'crc not checked' : `CRC ${f.crcState}`;
    return `MAVLink v${f.version} ${name} sys ${f.sysid} comp ${f.compid} seq ${f.seq}, ${crc}${f.signed ? ', signed' : ''}`;
  });
  if (trailing) parts.push(`${trailing} trailing bytes that are not a frame`);
  return parts.join('; ');
}

/** Links (system, component) tracked at most. */
export const MAX_LINKS = 256;

/**
 * Where messages carry the component's time since boot (time_boot_ms, u32 little-endian): SYSTEM_TIME
 * after its u64 Unix time, and ATTITUDE, ATTITUDE_QUATERNION, LOCAL_POSITION_NED,
 * GLOBAL_POSITION_INT, SCALED_PRESSURE and RC_CHANNELS first (common.xml; MAVLink sorts fields by size).
 */
const BOOT_TIME_OFFSET = new Map<number, number>([[2, 8], [29, 0], [30, 0], [31, 0], [32, 0], [33, 0], [65, 0]]);
/** A boot time further back than this from the component's last one: it booted again (not a late frame). */
const BOOT_BACK_MS = 1000;

/** The frame's time_boot_ms, or null for a message that has none; MAVLink 2 cuts trailing zero bytes, read as zeros. */
export function mavlinkBootMs(payload: Uint8Array, f: MavlinkFrame, frameOffset: number): number | null {
  const at = BOOT_TIME_OFFSET.get(f.msgid);
  if (at === undefined) return null;
  const start = frameOffset + (f.version === 1 ? 6 : 10);
  let v = 0;
  for (let i = 3; i >= 0; i--) v = v * 256 + (at + i < f.length ? payload[start + at + i]! : 0);
  return v;
}

/** Counts MAVLink frames per (sysid, compid) from their u8 sequence numbers. */
export class MavlinkStreamDecoder implements StreamDecoder {
  readonly format = 'mavlink' as const;
  private readonly links = new Map<number, LossCounter>();
  private readonly verdict = newVerdict('MAVLink');
  private readonly scratch = {} as MavlinkFrame;
  private crcErrors = 0;
  private unchecked = 0;
  private malformed = 0;
  private tooMany = 0;
  private readonly bootMs = new Map<number, number>();
  private reboots = 0;

  /** Counts every frame in one datagram; the verdict describes the last one. */
  onPayload(payload: Uint8Array, _arrivalMs: number): PacketVerdict {
    const v = resetVerdict(this.verdict, 'MAVLink');
    let offset = 0;
    let frames = 0;
    while (offset < payload.length) {
      const f = decodeMavlinkFrame(payload, offset, this.scratch);
      if (!f) {
        this.malformed += 1;
        v.flags |= PacketFlags.malformed;
        break;
      }
      frames += 1;
      const frameOffset = offset;
      offset += f.frameLength;
      v.kind = f.version === 1 ? 'MAVLink v1' : 'MAVLink v2';
      if (f.crcState === 'bad') {
        this.crcErrors += 1;
        v.flags |= PacketFlags.crcError;
        continue; // a frame that fails its CRC cannot be trusted to carry the right ids
      }
      if (f.crcState === 'not checked') {
        this.unchecked += 1;
        v.flags |= PacketFlags.crcNotChecked;
      }
      const key = (f.sysid << 8) | f.compid;
      let counter = this.links.get(key);
      if (!counter) {
        if (this.links.size >= MAX_LINKS) {
          this.tooMany += 1;
          continue;
        }
        counter = new LossCounter({ bits: 8 });
        this.links.set(key, counter);
      }
      // The component's time since boot went back: it booted again, and its sequence began again with it.
      const boot = mavlinkBootMs(payload, f, frameOffset);
      if (boot !== null) {
        const before = this.bootMs.get(key);
        this.bootMs.set(key, boot);
        if (before !== undefined && boot < before - BOOT_BACK_MS) {
          this.reboots += 1;
          counter.restart();
          counter.add(f.seq);
          v.flags |= PacketFlags.restart;
          v.restart = 'boot-time';
          v.sequence = f.seq;
          continue;
        }
      }
      applyArrival(v, counter, counter.add(f.seq));
      v.sequence = f.seq;
    }
    if (frames === 0 && payload.length === 0) v.flags |= PacketFlags.malformed;
    return v;
  }

  /** A sentence for the packet inspector. */
  describe(payload: Uint8Array): string {
    return describeMavlink(payload);
  }

  /** Totals over all (system, component) pairs. */
  stats(): DecodeStats {
    const totals = sumLossCounts(this.links.values());
    const notes = [
      'Counted in frames per (system, component) from the 8-bit sequence: a run of 128 or more lost frames aliases, so losses are lower bounds.',
    ];
    if (this.links.size > 1) notes.push(`${this.links.size} (system, component) pairs; totals add them up.`);
    if (this.unchecked) notes.push(`${this.unchecked} frames had message ids outside Gapscope's CRC_EXTRA table: crc not checked.`);
    if (this.crcErrors) notes.push(`${this.crcErrors} frames failed their CRC and were not counted.`);
    if (this.malformed) notes.push(`${this.malformed} datagrams held bytes that are not a MAVLink frame.`);
    if (this.reboots) notes.push(`A component's time since boot went back ${this.reboots} time(s): it restarted, and its count began again (nothing counted as lost there).`);
    if (this.tooMany) notes.push(`More than ${MAX_LINKS} (system, component) pairs: ${this.tooMany} frames not counted.`);
    return counterStats('mavlink', totals, null, notes, this.crcErrors);
  }
}
