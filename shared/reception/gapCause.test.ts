import { describe, expect, it } from 'vitest';
import { GAP_CAUSE_CODES, gapCause, gapCauseText, stallFlag } from './gapCause';

describe('gapCause', () => {
  it('blames Gapscope for its own stall, whatever the sequence numbers say', () => {
    expect(gapCause({ cause: 'local-stall', lostPackets: 40 })).toMatchObject({ code: 'local-stall', text: 'Gapscope stalled' });
  });

  it('tells a sender pause (no sequence hole) from loss on the way (a hole)', () => {
    expect(gapCause({ cause: 'unexplained', lostPackets: 0 })).toMatchObject({ code: 'sender-paused', text: 'sender paused' });
    const lost = gapCause({ cause: 'unexplained', lostPackets: 1234 });
    expect(lost).toMatchObject({ code: 'packets-lost', text: 'packets lost' });
    expect(lost.hint).toContain('1,234 packets were sent');
    expect(gapCause({ cause: 'unexplained', lostPackets: 1 }).hint).toContain('1 packet was sent');
  });

  it('says it cannot tell without sequence numbers', () => {
    expect(gapCause({ cause: 'unexplained', lostPackets: null })).toMatchObject({ code: 'unknown', text: 'network or sender' });
  });

  it('gives the same answer for a code already decided (a saved report) as for the gap it came from', () => {
    const raw = [
      { cause: 'unexplained' as const, lostPackets: 0 },
      { cause: 'unexplained' as const, lostPackets: 12 },
      { cause: 'unexplained' as const, lostPackets: null },
      { cause: 'local-stall' as const, lostPackets: 3 },
      { cause: 'unexplained' as const, lostPackets: 0, deviceRestart: 'ssrc' as const },
    ];
    for (const g of raw) {
      const once = gapCause(g);
      expect(gapCause({ cause: once.code, lostPackets: g.lostPackets, deviceRestart: 'deviceRestart' in g ? g.deviceRestart : undefined })).toEqual(once);
    }
    expect(raw.map((g) => gapCause(g).code)).toEqual(['sender-paused', 'packets-lost', 'unknown', 'local-stall', 'device-restarted']);
    expect(GAP_CAUSE_CODES.map(gapCauseText)).toEqual(['sender paused', 'packets lost', 'Gapscope stalled', 'device restarted', 'network or sender']);
  });

  it('calls a gap Gapscope\'s own when its stalls cover at least half of it', () => {
    const gap = { startMs: 1000, endMs: 2000, durationMs: 1000 };
    expect(stallFlag(gap, [{ startMs: 1100, endMs: 1600, durationMs: 500 }])).toBe('local-stall');
    expect(stallFlag(gap, [{ startMs: 1100, endMs: 1599, durationMs: 499 }])).toBe('unexplained');
    expect(stallFlag(gap, [{ startMs: 900, endMs: 1300, durationMs: 400 }, { startMs: 1700, endMs: 2200, durationMs: 500 }])).toBe('local-stall');
    expect(stallFlag(gap, [])).toBe('unexplained');
  });
});
