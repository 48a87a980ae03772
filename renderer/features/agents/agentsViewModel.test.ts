import { describe, expect, it } from 'vitest';
import type { AgentInfo } from '../../../shared/contract/agents';
import { agentStateText } from './agentsViewModel';

const base: AgentInfo = { id: 'a1', name: 'box', url: 'ws://10.0.0.5:9477/api', state: 'connected', reason: null, retryAt: null, streams: 2 };

describe('agentStateText', () => {
  it('says where the agent is and how many streams it has', () => {
    expect(agentStateText(base)).toBe('10.0.0.5:9477 · connected · 2 streams');
    expect(agentStateText({ ...base, streams: 1 })).toBe('10.0.0.5:9477 · connected · 1 stream');
  });
  it('says why it is unreachable and when it tries again', () => {
    expect(agentStateText({ ...base, state: 'unreachable', reason: 'nothing listens at 10.0.0.5:9477: is the agent running, on that port?', retryAt: 10_500 }, 6_000)).toBe(
      '10.0.0.5:9477 · unreachable: nothing listens at 10.0.0.5:9477: is the agent running, on that port? Trying again in 5 s.',
    );
  });
  it('says it is trying again now while it does', () => {
    expect(agentStateText({ ...base, state: 'unreachable', reason: 'no route to 10.0.0.5:9477 from this machine.', retryAt: null })).toBe('10.0.0.5:9477 · unreachable: no route to 10.0.0.5:9477 from this machine. Trying again now.');
  });
});
