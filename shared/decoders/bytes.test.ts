import { describe, expect, it } from 'vitest';
import { asciiBytes, asciiText, putU64be, u32be, u64be, utcClock } from './bytes';

describe('byte helpers', () => {
  it('round-trips ASCII and hides unprintable bytes', () => {
    expect(asciiText(asciiBytes('SkyEcho'))).toBe('SkyEcho');
    expect(asciiText(Uint8Array.of(0x41, 0x00, 0xff, 0x42))).toBe('A..B');
    expect(asciiText(Uint8Array.of(0x41), -5, 99)).toBe('A');
  });

  it('reads and writes big-endian integers', () => {
    const b = new Uint8Array(8);
    putU64be(b, 0, 2 ** 40 + 5);
    expect(u64be(b, 0)).toBe(2 ** 40 + 5);
    expect(u32be(Uint8Array.of(0xff, 0xff, 0xff, 0xfe), 0)).toBe(0xfffffffe);
  });

  it('formats a UTC time of day', () => {
    expect(utcClock(Date.UTC(2025, 0, 1, 12, 34, 56, 789))).toBe('12:34:56.789');
    expect(utcClock(45_296_000, false)).toBe('12:34:56');
  });
});
