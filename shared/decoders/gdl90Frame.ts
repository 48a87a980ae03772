/**
 * GDL90 framing (GDL90 public ICD, datalink structure): `0x7E | escape(message ‖ CRC_lo ‖ CRC_hi) | 0x7E`, where
 * 0x7E and 0x7D inside are sent as 0x7D, byte ^ 0x20. Several frames may share one UDP datagram.
 * Caution: the CRC starts at 0, so it does not see leading 0x00 bytes — a frame that lost its 0x00
 * id byte (the Heartbeat's) still passes; the stream decoder checks the ICD lengths too.
 */
import { gdl90Crc } from './crc';

/** Frame delimiter. */
export const GDL90_FLAG = 0x7e;
/** Escape byte: the next byte is XORed with 0x20. */
export const GDL90_ESCAPE = 0x7d;
/** Largest message Gapscope unescapes (the Uplink message is 436 bytes + CRC). */
export const GDL90_MAX_FRAME = 1024;

/** What became of one frame. */
export const FrameStatus = {
  ok: 0,
  crcError: 1,
  /** 0x7D right before a flag or at the end: a mis-escaped frame. */
  badEscape: 2,
  /** Fewer than 3 bytes (id + CRC) between the flags. */
  tooShort: 3,
  tooLong: 4,
  /** No closing flag before the datagram ended. */
  unterminated: 5,
} as const;

/** One of the FrameStatus values. */
export type FrameStatusCode = (typeof FrameStatus)[keyof typeof FrameStatus];

/** Called for each frame; the message is scratch[0, length) (CRC removed) and valid only during the call. */
export type FrameVisitor = (scratch: Uint8Array, length: number, status: FrameStatusCode) => void;

/**
 * Finds and unescapes every frame in a datagram into `scratch` (at least GDL90_MAX_FRAME + 2 bytes),
 * calling `visit` for each; returns the count of bytes outside any frame (junk before the first flag).
 * Allocates nothing.
 */
export function scanGdl90(payload: Uint8Array, scratch: Uint8Array, visit: FrameVisitor): number {
  let i = 0;
  const n = payload.length;
  while (i < n && payload[i] !== GDL90_FLAG) i++;
  const junk = i;
  while (i < n) {
    // payload[i] is a flag; the frame runs to the next flag.
    i++;
    let len = 0;
    let status: FrameStatusCode = FrameStatus.ok;
    let closed = false;
    while (i < n) {
      let b = payload[i]!;
      if (b === GDL90_FLAG) {
        closed = true;
        break;
      }
      i++;
      if (b === GDL90_ESCAPE) {
        if (i >= n || payload[i] === GDL90_FLAG) {
          status = FrameStatus.badEscape;
          continue;
        }
        b = payload[i++]! ^ 0x20;
      }
      if (len < scratch.length) scratch[len] = b;
      len++;
    }
    // Nothing between two flags ("7E 7E" between frames) or after the last flag: no frame.
    if (len === 0 && status === FrameStatus.ok) continue;
    if (status === FrameStatus.ok) {
      if (!closed) status = FrameStatus.unterminated;
      else if (len < 3) status = FrameStatus.tooShort;
      else if (len > scratch.length) status = FrameStatus.tooLong;
      else {
        const crc = scratch[len - 2]! | (scratch[len - 1]! << 8);
        if (gdl90Crc(scratch, 0, len - 2) !== crc) status = FrameStatus.crcError;
      }
    }
    const messageLength = Math.max(0, Math.min(len, scratch.length) - 2);
    visit(scratch, messageLength, status);
  }
  return junk;
}

/** One frame as a copy, for the inspector and tests. */
export interface Gdl90Frame {
  message: Uint8Array;
  status: FrameStatusCode;
}

/** Every frame of a datagram, copied (allocates; the stream decoder uses scanGdl90 instead). */
export function splitGdl90(payload: Uint8Array): { frames: Gdl90Frame[]; junk: number } {
  const frames: Gdl90Frame[] = [];
  const scratch = new Uint8Array(GDL90_MAX_FRAME + 2);
  const junk = scanGdl90(payload, scratch, (s, length, status) => frames.push({ message: s.slice(0, length), status }));
  return { frames, junk };
}

/** Builds a frame: appends the CRC (low byte first), escapes 0x7E/0x7D, adds the flags. */
export function encodeGdl90Frame(message: Uint8Array): Uint8Array {
  const crc = gdl90Crc(message);
  const raw = new Uint8Array(message.length + 2);
  raw.set(message);
  raw[message.length] = crc & 0xff;
  raw[message.length + 1] = crc >>> 8;
  let escapes = 0;
  for (const b of raw) if (b === GDL90_FLAG || b === GDL90_ESCAPE) escapes++;
  const out = new Uint8Array(raw.length + escapes + 2);
  let o = 0;
  out[o++] = GDL90_FLAG;
  for (const b of raw) {
    if (b === GDL90_FLAG || b === GDL90_ESCAPE) {
      out[o++] = GDL90_ESCAPE;
      out[o++] = b ^ 0x20;
    } else out[o++] = b;
  }
  out[o] = GDL90_FLAG;
  return out;
}

/** One datagram carrying these messages, each framed (what a GDL90 sender puts in one UDP packet). */
export function encodeGdl90Datagram(messages: Uint8Array[]): Uint8Array {
  return joinGdl90Frames(messages.map(encodeGdl90Frame));
}

/** Several frames in one datagram, as receivers like Stratux send them. */
export function joinGdl90Frames(frames: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let o = 0;
  for (const f of frames) {
    out.set(f, o);
    o += f.length;
  }
  return out;
}
