import { describe, expect, it } from 'vitest';
import { formatBufferSize, formatByteRate, formatBytes, formatClock, formatCount, formatDateTime, formatDuration, formatHex, formatPacketRate, formatPercent, formatStreamTime } from './format';

// The renderer keeps its names; the strings are shared/format.ts's (tested there in full).
describe('renderer format', () => {
  it('writes every byte quantity in IEC binary units, buffers included', () => {
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBufferSize(8 * 1024 * 1024)).toBe('8.00 MiB');
    expect(formatBufferSize(425_984)).toBe('416 KiB');
    expect(formatByteRate(256_000)).toBe('250 KiB/s');
  });
  it('writes counts, rates, durations, clock times and percentages as shared/format does', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatPacketRate(500)).toBe('500 pkt/s');
    expect(formatDuration(1200)).toBe('1.20 s');
    expect(formatStreamTime(57_972)).toBe('0:57.972');
    expect(formatStreamTime(62_270)).toBe('1:02.270');
    expect(formatClock(new Date(2025, 2, 14, 14, 3, 7, 250).getTime())).toBe('14:03:07.250');
    expect(formatDateTime(new Date(2025, 2, 14, 21, 3, 7).getTime())).toBe('2025-03-14 21:03:07');
    expect(formatPercent(0.055)).toBe('5.5%');
  });
  it('groups hex by byte', () => {
    expect(formatHex('deadBEEF0')).toBe('de ad BE EF 0');
    expect(formatHex('')).toBe('');
  });
});
