import { describe, expect, it } from 'vitest';
import { formatBufferSize, formatByteRate, formatBytes, formatCount, formatDuration, formatHex, formatPacketRate, formatPercent, formatStreamTime } from './format';

describe('format', () => {
  it('writes counts with separators', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
  });
  it('scales bytes in decimal and buffers in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1500)).toBe('1.50 kB');
    expect(formatBytes(256_000)).toBe('256 kB');
    expect(formatByteRate(12_300_000)).toBe('12.3 MB/s');
    expect(formatBufferSize(8 * 1024 * 1024)).toBe('8.00 MiB');
    expect(formatBufferSize(425_984)).toBe('416 KiB');
  });
  it('writes packet rates', () => {
    expect(formatPacketRate(500)).toBe('500 pkt/s');
    expect(formatPacketRate(2.25)).toBe('2.3 pkt/s');
    expect(formatPacketRate(0)).toBe('0 pkt/s');
  });
  it('writes durations at a glance', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(1200)).toBe('1.2 s');
    expect(formatDuration(12_400)).toBe('12 s');
    expect(formatDuration(125_000)).toBe('2 min 05 s');
    expect(formatDuration(3_720_000)).toBe('1 h 02 min');
  });
  it('writes stream times to the millisecond', () => {
    expect(formatStreamTime(12_345)).toBe('12.345 s');
    expect(formatStreamTime(62_345)).toBe('1:02.345');
  });
  it('writes percentages', () => {
    expect(formatPercent(0.55)).toBe('55%');
    expect(formatPercent(0.055)).toBe('5.5%');
    expect(formatPercent(0.0004)).toBe('0.04%');
    expect(formatPercent(1)).toBe('100%');
  });
  it('groups hex by byte', () => {
    expect(formatHex('deadBEEF0')).toBe('de ad BE EF 0');
    expect(formatHex('')).toBe('');
  });
});
