import { describe, expect, it } from 'vitest';
import { asciiBytes } from './bytes';
import { gdl90Crc, mavlinkCrc, x25Accumulate } from './crc';

describe('gdl90Crc', () => {
  it('matches the ICD test vector: 00 81 41 DB D0 08 02 → CRC bytes B3 8B on the wire', () => {
    const crc = gdl90Crc(Uint8Array.of(0x00, 0x81, 0x41, 0xdb, 0xd0, 0x08, 0x02));
    expect(crc).toBe(0x8bb3);
    expect([crc & 0xff, crc >> 8]).toEqual([0xb3, 0x8b]); // low byte first
  });

  it('is not CRC-16/XMODEM (whose check value for "123456789" is 0x31C3)', () => {
    const ascii = asciiBytes('123456789');
    expect(gdl90Crc(ascii)).not.toBe(0x31c3);
  });

  it('covers a sub-range', () => {
    const bytes = Uint8Array.of(0xff, 0x00, 0x81, 0x41, 0xdb, 0xd0, 0x08, 0x02, 0xff);
    expect(gdl90Crc(bytes, 1, 8)).toBe(0x8bb3);
  });
});

describe('MAVLink X.25 CRC', () => {
  it('is CRC-16/MCRF4XX: check value 0x6F91 for "123456789"', () => {
    let crc = 0xffff;
    for (const b of asciiBytes('123456789')) crc = x25Accumulate(crc, b);
    expect(crc).toBe(0x6f91);
  });

  it('adds CRC_EXTRA after the covered bytes', () => {
    const bytes = asciiBytes('123456789');
    expect(mavlinkCrc(bytes, 0, bytes.length, 50)).toBe(x25Accumulate(0x6f91, 50));
  });
});
