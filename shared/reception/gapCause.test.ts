import { describe, expect, it } from 'vitest';
import { gapCause } from './gapCause';

describe('gapCause', () => {
  it('blames Gapscope for its own stall, whatever the sequence numbers say', () => {
    expect(gapCause({ cause: 'local-stall', lostPackets: 40 }).kind).toBe('local-stall');
  });

  it('tells a sender pause (no sequence hole) from loss on the way (a hole)', () => {
    expect(gapCause({ cause: 'unexplained', lostPackets: 0 })).toMatchObject({ kind: 'sender-paused', text: 'sender paused' });
    const lost = gapCause({ cause: 'unexplained', lostPackets: 1234 });
    expect(lost).toMatchObject({ kind: 'packets-lost', text: 'packets lost' });
    expect(lost.hint).toContain('1,234 packets were sent');
    expect(gapCause({ cause: 'unexplained', lostPackets: 1 }).hint).toContain('1 packet was sent');
  });

  it('says it cannot tell without sequence numbers', () => {
    expect(gapCause({ cause: 'unexplained', lostPackets: null })).toMatchObject({ kind: 'unknown', text: 'network or sender' });
  });
});
