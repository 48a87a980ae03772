import { describe, expect, it } from 'vitest';
import {
  byteRateAxis,
  formatBitRate,
  formatByteRate,
  formatBytes,
  formatClock,
  formatCount,
  formatDateTime,
  formatDuration,
  formatPacketRate,
  formatPercent,
  formatStreamTick,
  formatStreamTime,
  formatTimeOfDay,
  formatUtcOffset,
} from './format';

describe('byte sizes and rates: IEC binary units, one system', () => {
  it('scales by 1024 with three significant digits', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.00 KiB');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(131_072)).toBe('128 KiB');
    expect(formatBytes(425_984)).toBe('416 KiB');
    expect(formatBytes(8 * 1024 * 1024)).toBe('8.00 MiB');
    expect(formatBytes(23_000_000)).toBe('21.9 MiB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.00 GiB');
    expect(formatBytes(3 * 1024 ** 5)).toBe('3072 TiB');
  });
  it('goes up a unit when rounding reaches 1024', () => {
    expect(formatBytes(1024 * 1024 - 1)).toBe('1.00 MiB');
    expect(formatBytes(1023.4 * 1024)).toBe('1023 KiB');
  });
  it('writes the field case in the same words in every line', () => {
    // The quota is 128 KiB: the periodicity verdict and the byte tiles must agree.
    expect(formatBytes(128 * 1024)).toBe('128 KiB');
    expect(formatByteRate(256_000)).toBe('250 KiB/s');
    expect(formatByteRate(12_300_000)).toBe('11.7 MiB/s');
  });
  it('picks one unit for an axis', () => {
    expect(byteRateAxis(900)).toEqual({ unit: 'B/s', divisor: 1 });
    expect(byteRateAxis(512_000)).toEqual({ unit: 'KiB/s', divisor: 1024 });
    expect(byteRateAxis(3 * 1024 * 1024)).toEqual({ unit: 'MiB/s', divisor: 1024 * 1024 });
  });
  it('says nothing false of a missing number', () => {
    expect(formatBytes(Number.NaN)).toBe('—');
    expect(formatCount(Number.POSITIVE_INFINITY)).toBe('—');
  });
});

describe('bit rates, only where people type them: SI decimal', () => {
  it('scales by 1000', () => {
    expect(formatBitRate(500_000)).toBe('500 kbit/s');
    expect(formatBitRate(2_000_000)).toBe('2.00 Mbit/s');
    expect(formatBitRate(64)).toBe('64 bit/s');
  });
});

describe('counts, packet rates and percentages', () => {
  it('writes them', () => {
    expect(formatCount(1_234_567)).toBe('1,234,567');
    expect(formatPacketRate(500)).toBe('500 pkt/s');
    expect(formatPacketRate(2.25)).toBe('2.3 pkt/s');
    expect(formatPacketRate(0)).toBe('0 pkt/s');
    expect(formatPercent(0.55)).toBe('55%');
    expect(formatPercent(0.055)).toBe('5.5%');
    expect(formatPercent(0.0004)).toBe('0.04%');
    expect(formatPercent(1)).toBe('100%');
  });
});

describe('durations: one style, three significant digits', () => {
  it('reads at a glance', () => {
    expect(formatDuration(0)).toBe('0 ms');
    expect(formatDuration(0.123)).toBe('0.123 ms');
    expect(formatDuration(4.25)).toBe('4.25 ms');
    expect(formatDuration(9.996)).toBe('10 ms');
    expect(formatDuration(50)).toBe('50 ms');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(999.6)).toBe('1.00 s');
    expect(formatDuration(1200)).toBe('1.20 s');
    expect(formatDuration(2404)).toBe('2.40 s');
    expect(formatDuration(12_400)).toBe('12.4 s');
    expect(formatDuration(59_960)).toBe('1 min 00 s');
    expect(formatDuration(125_000)).toBe('2 min 05 s');
    expect(formatDuration(3_599_600)).toBe('1 h 00 min');
    expect(formatDuration(3_720_000)).toBe('1 h 02 min');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});

describe('stream times: one clock', () => {
  it('writes minutes and seconds to the millisecond in every row of a column', () => {
    expect(formatStreamTime(57_972)).toBe('0:57.972');
    expect(formatStreamTime(62_270)).toBe('1:02.270');
    expect(formatStreamTime(219_465)).toBe('3:39.465');
    expect(formatStreamTime(0)).toBe('0:00.000');
    expect(formatStreamTime(59_999.6)).toBe('1:00.000');
    expect(formatStreamTime(3_723_456)).toBe('1:02:03.456');
  });
  it('writes fewer decimals when asked', () => {
    expect(formatStreamTime(123_456, 0)).toBe('2:03');
    expect(formatStreamTime(123_456, 1)).toBe('2:03.5');
  });
  it('labels ticks on the same clock with the decimals the step needs', () => {
    expect(formatStreamTick(220_000, 10_000)).toBe('3:40');
    expect(formatStreamTick(219_500, 500)).toBe('3:39.5');
    expect(formatStreamTick(1_250, 50)).toBe('0:01.25');
    expect(formatStreamTick(1_255, 5)).toBe('0:01.255');
    expect(formatStreamTick(3_600_000, 600_000)).toBe('1:00:00');
  });
});

describe('wall-clock: local, 24-hour', () => {
  const afternoon = new Date(2025, 2, 14, 14, 3, 7, 250).getTime();
  const morning = new Date(2025, 0, 2, 9, 5, 0, 4).getTime();
  it('writes dates and times of day', () => {
    expect(formatDateTime(afternoon)).toBe('2025-03-14 14:03:07');
    expect(formatDateTime(morning)).toBe('2025-01-02 09:05:00');
    expect(formatTimeOfDay(afternoon)).toBe('14:03:07');
    expect(formatClock(afternoon)).toBe('14:03:07.250');
    expect(formatClock(morning)).toBe('09:05:00.004');
    expect(formatDateTime(Number.NaN)).toBe('—');
  });
  it('names the time zone', () => {
    expect(formatUtcOffset(afternoon)).toMatch(/^UTC[+−]\d\d:\d\d$/);
  });
});
