import { describe, expect, it } from 'vitest';
import { answerKey, compareAnswers, probeVerdict } from './compare';
import type { DnsProbeResult } from './probeTypes';

function result(server: string, over: Partial<DnsProbeResult>): DnsProbeResult {
  return {
    server, name: 'vpn.corp.test', type: 'A', kind: 'answer', message: '', transport: 'udp', rttMs: 1.234, udpRttMs: null, rcode: 'NOERROR',
    flags: null, answers: [], authorities: [], additionals: [], edns: null, truncated: false, ignoredReplies: 0, questionEchoed: true, queryId: 1, localPort: 1, errno: null, ...over,
  };
}
const a = (data: string) => ({ name: 'vpn.corp.test', type: 'A', ttl: 60, data });

describe('compareAnswers', () => {
  it('agrees when the record sets are the same in any order', () => {
    const c = compareAnswers([result('10.0.0.1', { answers: [a('10.1.1.1'), a('10.1.1.2')] }), result('10.0.0.2', { answers: [a('10.1.1.2'), a('10.1.1.1')] })]);
    expect(c).toEqual({ agree: true, groups: [{ answer: 'NOERROR A 10.1.1.1, A 10.1.1.2', servers: ['10.0.0.1', '10.0.0.2'] }] });
  });

  it('shows split DNS: the VPN resolver knows the name, the others do not', () => {
    const c = compareAnswers([
      result('10.8.0.1', { answers: [a('10.8.1.5')] }),
      result('192.168.1.1', { rcode: 'NXDOMAIN' }),
      result('192.168.1.2', { rcode: 'NXDOMAIN' }),
      result('192.168.1.3', { kind: 'timeout', rcode: null, rttMs: null }),
    ]);
    expect(c.agree).toBe(false);
    expect(c.groups).toEqual([
      { answer: 'NOERROR A 10.8.1.5', servers: ['10.8.0.1'] },
      { answer: 'NXDOMAIN (no records)', servers: ['192.168.1.1', '192.168.1.2'] },
      { answer: 'timeout', servers: ['192.168.1.3'] },
    ]);
  });

  it('agrees trivially for one server', () => {
    expect(compareAnswers([result('10.0.0.1', {})]).agree).toBe(true);
    expect(answerKey(result('x', { kind: 'refused', rcode: 'REFUSED' }))).toBe('REFUSED');
  });
});

describe('probeVerdict', () => {
  it('says how each server did in a few words', () => {
    expect(probeVerdict(result('s', {}))).toBe('answers in 1.23 ms');
    expect(probeVerdict(result('s', { rcode: 'NXDOMAIN', rttMs: 12.4 }))).toBe('answers NXDOMAIN in 12 ms');
    expect(probeVerdict(result('s', { kind: 'timeout' }), 2000)).toBe('no answer within 2000 ms');
    expect(probeVerdict(result('s', { kind: 'port-unreachable' }))).toContain('ICMP port unreachable');
    expect(probeVerdict(result('s', { kind: 'refused' }))).toBe('refuses this query');
  });
});
