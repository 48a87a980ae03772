import { describe, expect, it } from 'vitest';
import type { StreamInfo } from '../../../shared/contract';
import { silenceQuestion } from './silence';

const info = (status: StreamInfo['status'], kind: StreamInfo['kind'] = 'multicast') => ({ status, kind }) as StreamInfo;

describe('silenceQuestion', () => {
  it('asks for a listening stream that has heard nothing for five seconds', () => {
    expect(silenceQuestion(info('listening'), 0, 5200.4)).toEqual({ kind: 'multicast', packets: 0, listeningMs: 5200 });
    expect(silenceQuestion(info('listening', 'unicast'), 0, 60_000)).toEqual({ kind: 'unicast', packets: 0, listeningMs: 60_000 });
  });

  it('does not ask while the stream is young, once it has received, or when it is not listening', () => {
    expect(silenceQuestion(info('listening'), 0, 4999)).toBeNull();
    expect(silenceQuestion(info('listening'), 1, 60_000)).toBeNull();
    expect(silenceQuestion(info('stopped'), 0, 60_000)).toBeNull();
    expect(silenceQuestion(info('starting'), 0, 60_000)).toBeNull();
  });
});
