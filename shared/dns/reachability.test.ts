import { describe, expect, it } from 'vitest';
import type { DnsProbeResult } from './probeTypes';
import { addressReach, DnsWatchHistory, isAnswer, isPublicName, overallReachability, resolverTransition, resolverVerdict, toWatchSample, type WatchSample } from './reachability';

function probe(over: Partial<DnsProbeResult>): DnsProbeResult {
  return {
    server: '192.168.1.1', name: 'example.com', type: 'A', kind: 'answer', message: '', transport: 'udp', rttMs: 12.3, udpRttMs: null, rcode: 'NOERROR',
    flags: null, answers: [], authorities: [], additionals: [], edns: null, truncated: false, ignoredReplies: 0, questionEchoed: true, queryId: 1, localPort: 1, errno: null, ...over,
  };
}
const rec = (data: string, type = 'A') => ({ name: 'example.com', type, ttl: 60, data });
const s = (at: number, kind: WatchSample['kind'], over: Partial<WatchSample> = {}): WatchSample => ({ at, kind, rttMs: kind === 'answer' ? 12 : null, rcode: kind === 'answer' ? 'NOERROR' : null, publicAddress: null, echoed: kind === 'answer', ...over });

describe('addressReach: what lies beyond the LAN', () => {
  it('calls private, shared, loopback, link-local and special ranges not public', () => {
    for (const a of ['10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.4.1']) expect(addressReach(a)).toBe('private');
    expect(addressReach('100.64.0.1')).toBe('shared');
    expect(addressReach('127.0.0.53')).toBe('loopback');
    expect(addressReach('169.254.1.1')).toBe('link-local');
    for (const a of ['0.0.0.0', '192.0.2.1', '198.51.100.7', '203.0.113.9', '198.18.0.1', '224.0.0.251', '255.255.255.255']) expect(addressReach(a)).toBe('special');
    expect(addressReach('::1')).toBe('loopback');
    expect(addressReach('fe80::1%eth0')).toBe('link-local');
    expect(addressReach('fd00:99::1')).toBe('private');
    expect(addressReach('2001:db8::1')).toBe('special');
    expect(addressReach('ff02::fb')).toBe('special');
    expect(addressReach('::ffff:10.0.0.1')).toBe('private');
    expect(addressReach('not an address')).toBe('invalid');
  });

  it('calls global unicast public', () => {
    for (const a of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '93.184.215.14', '2606:4700:4700::1111', '::ffff:9.9.9.9']) expect(addressReach(a)).toBe('public');
  });
});

describe('isPublicName', () => {
  it('knows local-only suffixes and single labels', () => {
    expect(isPublicName('example.com')).toBe(true);
    expect(isPublicName('www.example.org.')).toBe(true);
    for (const n of ['printer', 'gdl90.lab.test', 'cam.local', 'router.lan', 'nas.home.arpa', 'db.internal', '1.0.168.192.in-addr.arpa', 'example', '']) expect(isPublicName(n)).toBe(false);
  });
});

describe('toWatchSample', () => {
  it('keeps a public address only for a public name', () => {
    expect(toWatchSample(probe({ answers: [rec('10.0.0.5'), rec('93.184.215.14')] }), 5).publicAddress).toBe('93.184.215.14');
    expect(toWatchSample(probe({ answers: [rec('10.0.0.5')] }), 5).publicAddress).toBeNull();
    expect(toWatchSample(probe({ name: 'cam.local', answers: [rec('93.184.215.14')] }), 5).publicAddress).toBeNull();
    expect(toWatchSample(probe({ kind: 'refused', rcode: 'REFUSED', questionEchoed: true }), 5)).toEqual({ at: 5, kind: 'refused', rttMs: 12.3, rcode: 'REFUSED', publicAddress: null, echoed: true });
  });

  it('keeps no public address from a reply that is not a well-formed answer', () => {
    const hit = { answers: [rec('93.184.215.14')] };
    expect(toWatchSample(probe({ ...hit, questionEchoed: false }), 5)).toMatchObject({ publicAddress: null, echoed: false });
    expect(toWatchSample(probe({ ...hit, rcode: 'SERVFAIL' }), 5).publicAddress).toBeNull();
    expect(toWatchSample(probe({ ...hit, rcode: 'NOERROR' }), 5).publicAddress).toBe('93.184.215.14');
  });
});

describe('isAnswer: only a well-formed answer proves resolution', () => {
  it('takes NOERROR and NXDOMAIN with the question repeated, and nothing else', () => {
    expect(isAnswer(s(0, 'answer'))).toBe(true);
    expect(isAnswer(s(0, 'answer', { rcode: 'NXDOMAIN' }))).toBe(true);
    for (const rcode of ['SERVFAIL', 'FORMERR', 'NOTIMP', 'REFUSED', 'YXDOMAIN', null]) expect(isAnswer(s(0, 'answer', { rcode }))).toBe(false);
    expect(isAnswer(s(0, 'answer', { echoed: false }))).toBe(false);
    expect(isAnswer(s(0, 'answer', { echoed: undefined }))).toBe(false);
    expect(isAnswer(s(0, 'refused', { rcode: 'REFUSED', echoed: true }))).toBe(false);
    expect(isAnswer(s(0, 'malformed'))).toBe(false);
  });
});

describe('resolverVerdict', () => {
  it('says how fast it answers, or what failed, in a few words', () => {
    expect(resolverVerdict('10.0.0.1', [], 0).text).toBe('not probed yet');
    expect(resolverVerdict('10.0.0.1', [s(0, 'answer', { rttMs: 12.4 })], 0)).toMatchObject({ state: 'answers', text: 'answers in 12 ms', reach: 'private' });
    expect(resolverVerdict('10.0.0.1', [s(0, 'answer', { rttMs: 0.42 })], 0).text).toBe('answers in 0.4 ms');
    expect(resolverVerdict('10.0.0.1', [s(0, 'answer', { rcode: 'NXDOMAIN' })], 0).text).toBe('answers NXDOMAIN in 12 ms');
    expect(resolverVerdict('10.0.0.1', [s(0, 'answer', { rcode: 'SERVFAIL' })], 0)).toMatchObject({ state: 'answers', text: 'answers SERVFAIL in 12 ms', explanation: expect.stringContaining('proves only that the server is there') });
    expect(resolverVerdict('10.0.0.1', [s(0, 'answer', { echoed: false })], 0).text).toBe('replies without the question in 12 ms');
    expect(resolverVerdict('10.0.0.1', [s(0, 'refused')], 0)).toMatchObject({ state: 'answers', text: 'refused' });
    expect(resolverVerdict('10.0.0.1', [s(0, 'network-unreachable')], 0)).toMatchObject({ state: 'no-answer', text: 'unreachable' });
    expect(resolverVerdict('10.0.0.1', [s(0, 'port-unreachable')], 0).text).toBe('no DNS server on its port');
    expect(resolverVerdict('[2606:4700:4700::1111]:53', [], 0).reach).toBe('public');
  });

  it('counts "no answer for" from the first probe of the silence, not the last', () => {
    const samples = [s(0, 'answer'), s(5_000, 'timeout'), s(10_000, 'timeout'), s(30_000, 'timeout')];
    expect(resolverVerdict('10.0.0.1', samples, 35_000)).toMatchObject({ text: 'no answer for 30 s', since: 5_000 });
    expect(resolverVerdict('10.0.0.1', [s(0, 'timeout')], 600_000).text).toBe('no answer for 10 min');
  });
});

describe('overallReachability', () => {
  it('needs a real answer from beyond the LAN for "internet reachable"', () => {
    const viaPublicServer = overallReachability({ '1.1.1.1': [s(0, 'answer')] }, 'gdl90.lab.test');
    expect(viaPublicServer).toMatchObject({ state: 'internet', text: 'internet reachable' });
    expect(viaPublicServer.because).toContain('1.1.1.1');
    const viaPublicAnswer = overallReachability({ '192.168.1.1': [s(0, 'answer', { publicAddress: '93.184.215.14' })] }, 'example.com');
    expect(viaPublicAnswer.state).toBe('internet');
    expect(viaPublicAnswer.because).toContain('93.184.215.14');
    // Only the latest probe counts.
    expect(overallReachability({ '192.168.1.1': [s(0, 'answer', { publicAddress: '93.184.215.14' }), s(5, 'refused')] }, 'example.com').state).toBe('local-only');
  });

  it('says local network only — normal on a device\u2019s own Wi-Fi — when only a local resolver replies', () => {
    const r = overallReachability({ '192.168.4.1': [s(0, 'refused')] }, 'example.com');
    expect(r).toMatchObject({ state: 'local-only', text: "local network only — normal on a device's own Wi-Fi" });
    expect(r.because).toContain('normal state');
    // A local answer with a private address for a public name (a captive portal, a DNS rewrite) is not internet.
    expect(overallReachability({ '192.168.4.1': [s(0, 'answer')] }, 'example.com').state).toBe('local-only');
    expect(overallReachability({ '192.168.4.1': [s(0, 'answer')] }, 'cam.local').because).toContain('ask a public name');
  });

  it('says no resolver answers, or unknown before any probe', () => {
    expect(overallReachability({ '192.168.4.1': [s(0, 'timeout')], '1.1.1.1': [s(0, 'network-unreachable')] }, 'example.com')).toMatchObject({ state: 'no-dns', text: 'no resolver answers' });
    expect(overallReachability(new Map(), null).state).toBe('unknown');
    // A public server that does not reply proves nothing.
    expect(overallReachability({ '1.1.1.1': [s(0, 'timeout')] }, 'example.com').state).toBe('no-dns');
  });

  it('calls a refusal, a SERVFAIL or garbage from beyond the LAN proof of that host only, never "internet reachable"', () => {
    const cases: Array<[WatchSample, RegExp]> = [
      [s(0, 'refused', { rcode: 'REFUSED', echoed: true }), /sent REFUSED for example\.com/],
      [s(0, 'answer', { rcode: 'SERVFAIL' }), /sent SERVFAIL for example\.com/],
      [s(0, 'malformed'), /sent a reply that is not a valid DNS message/],
      [s(0, 'answer', { echoed: false }), /sent a reply that does not repeat the question \(NOERROR\)/],
    ];
    for (const [sample, because] of cases) {
      const r = overallReachability({ '192.168.4.1': [s(0, 'answer')], '9.9.9.9': [sample] }, 'example.com');
      expect(r).toMatchObject({ state: 'server-host', text: "a resolver's host beyond the LAN replies, but no answer" });
      expect(r.because).toMatch(because);
      expect(r.because).toContain('9.9.9.9');
      expect(r.because).toContain('its host is reachable');
    }
    // NXDOMAIN with the question repeated is an answer: the resolver resolved.
    expect(overallReachability({ '9.9.9.9': [s(0, 'answer', { rcode: 'NXDOMAIN' })] }, 'nx.example.com')).toMatchObject({ state: 'internet' });
    // A public address in a reply without the question is no proof either.
    expect(overallReachability({ '192.168.1.1': [s(0, 'answer', { publicAddress: '93.184.215.14', echoed: false })] }, 'example.com').state).toBe('local-only');
  });
});

describe('timeline transitions', () => {
  it('posts only changes between answering and not answering', () => {
    expect(resolverTransition('10.0.0.1', [], s(0, 'answer'))).toBeNull();
    expect(resolverTransition('10.0.0.1', [], s(0, 'timeout'))).toMatchObject({ kind: 'dns-resolver-silent', severity: 'warning' });
    expect(resolverTransition('10.0.0.1', [s(0, 'answer')], s(5, 'refused'))).toBeNull();
    expect(resolverTransition('10.0.0.1', [s(0, 'timeout')], s(5, 'port-unreachable'))).toBeNull();
    expect(resolverTransition('10.0.0.1', [s(0, 'answer')], s(5_000, 'timeout'))).toMatchObject({ kind: 'dns-resolver-silent', summary: 'DNS 10.0.0.1 stopped answering (timeout)' });
    const back = resolverTransition('10.0.0.1', [s(0, 'answer'), s(5_000, 'timeout'), s(10_000, 'timeout')], s(40_000, 'answer', { rttMs: 3 }));
    expect(back).toMatchObject({ kind: 'dns-resolver-answers', severity: 'info', summary: 'DNS 10.0.0.1 answers again in 3.0 ms after 35 s without an answer' });
  });

  it('keeps a bounded history per resolver and reports its changes', () => {
    const h = new DnsWatchHistory(5);
    const kinds: WatchSample['kind'][] = ['answer', 'answer', 'timeout', 'timeout', 'answer', 'answer', 'answer', 'answer'];
    const changes = kinds.map((k, i) => h.add('10.0.0.1', s(i * 5000, k))?.kind ?? null);
    expect(changes).toEqual([null, null, 'dns-resolver-silent', null, 'dns-resolver-answers', null, null, null]);
    expect(h.samples('10.0.0.1')).toHaveLength(5);
    expect(h.samples('10.0.0.1')[0]?.at).toBe(15_000);
    h.add('10.0.0.2', s(0, 'timeout'));
    expect(h.servers()).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(h.verdicts(40_000).map((v) => v.state)).toEqual(['answers', 'no-answer']);
    expect(h.reachability('example.com').state).toBe('local-only');
    h.clear();
    expect(h.servers()).toEqual([]);
  });
});
