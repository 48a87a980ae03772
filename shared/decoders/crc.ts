/** The two 16-bit CRCs of the framed formats: GDL90's (public ICD, section on the frame check sequence) and MAVLink's X.25 / MCRF4XX. */

const GDL90_TABLE = makeGdl90Table();

function makeGdl90Table(): Uint16Array {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = ((crc << 1) ^ (crc & 0x8000 ? 0x1021 : 0)) & 0xffff;
    table[i] = crc;
  }
  return table;
}

/**
 * GDL90's CRC exactly as the ICD's code computes it: table of polynomial 0x1021, initial 0,
 * `crc = T[crc >> 8] ^ (crc << 8) ^ byte`. It is not CRC-16/XMODEM (which indexes the table with
 * the byte mixed in), so a textbook implementation rejects every real frame.
 */
export function gdl90Crc(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = (GDL90_TABLE[crc >>> 8]! ^ (crc << 8) ^ bytes[i]!) & 0xffff;
  return crc;
}

/** Adds one byte to a MAVLink (X.25 / MCRF4XX) CRC, as mavlink's checksum.h `crc_accumulate` does. */
export function x25Accumulate(crc: number, byte: number): number {
  let tmp = (byte ^ crc) & 0xff;
  tmp = (tmp ^ (tmp << 4)) & 0xff;
  return ((crc >>> 8) ^ (tmp << 8) ^ (tmp << 3) ^ (tmp >>> 4)) & 0xffff;
}

/** MAVLink's frame CRC: X.25 from 0xFFFF over bytes[start, end), then the message's CRC_EXTRA byte. */
export function mavlinkCrc(bytes: Uint8Array, start: number, end: number, crcExtra: number): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) crc = x25Accumulate(crc, bytes[i]!);
  return x25Accumulate(crc, crcExtra);
}
