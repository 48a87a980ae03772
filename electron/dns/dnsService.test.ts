import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { contract, type EventName, type EventPayload, type GapscopeService } from '../../shared/contract';
import type { DnsWatchUpdate } from '../../shared/contract/dns';
import { parseServerText } from '../../shared/dns/resolverList';
import type { SystemResolvers } from '../../shared/dns/systemResolvers';
import { createDispatcher } from '../../shared/rpc/dispatcher';
import type { Outcome } from '../../shared/rpc/envelope';
import type { ServiceContext } from '../kernel/services';
import { TimelineLog } from '../kernel/timeline';
import { createDnsService, type DnsServiceDeps } from './dnsService';
import type { DnsProbeResult } from './dnsProbe';
import { startTestDnsServer, type TestDnsServer } from './testing/testDnsServer';

let server: TestDnsServer;
let closedPort: string;

beforeAll(async () => {
  server = await startTestDnsServer({ records: { 'host.test': { A: ['10.1.2.3'] }, 'printer.corp.test': { A: ['10.1.2.7'] } } });
  // A port that was just free: nothing listens there, so loopback answers ICMP port unreachable.
  const other = await startTestDnsServer();
  closedPort = other.address;
  await other.close();
});
afterAll(() => server.close());

function resolvers(addresses: string[], searchDomains: string[] = []): SystemResolvers {
  const servers = addresses.map((a) => ({ ...parseServerText(a), inUse: true, why: 'test' }));
  return { platform: 'linux', lists: [], primarySource: 'resolv.conf', serversInUse: servers, searchDomains, ndots: 1, searchRules: 'glibc', node: { servers: addresses }, sources: [], notes: [] };
}

function backend(deps: DnsServiceDeps = {}) {
  const events: { name: EventName; payload: unknown }[] = [];
  const timeline = new TimelineLog();
  const ctx: ServiceContext = { emit: (name, payload) => events.push({ name, payload }), timeline, dataDir: '/tmp', mode: 'web' };
  const dns = createDnsService(ctx, { readResolvers: async () => resolvers([server.address]), ...deps });
  const call = createDispatcher(dns.handlers as unknown as GapscopeService);
  const ok = async <T>(method: string, ...args: unknown[]): Promise<T> => {
    const r: Outcome = await call(method, args);
    if (!r.ok) throw new Error(`${method} failed: ${r.error.code} ${r.error.message}`);
    return r.value as T;
  };
  return { dns, call, ok, events, timeline };
}

describe('the DNS contract checks every argument at the door', () => {
  const bad: [string, unknown[], RegExp][] = [
    ['probeDns', [{ name: 'has space.example' }], /not a valid DNS name/],
    ['probeDns', [{ name: 'a..b' }], /empty label/],
    ['probeDns', [{ name: 'example.com', server: 'dns.google' }], /not a DNS server address/],
    ['probeDns', [{ name: 'example.com', server: '10.0.0.1:70000' }], /not a DNS server address/],
    ['probeDns', [{ name: 'example.com', type: 'BOGUS' }], /not a DNS record type/],
    ['probeDns', [{ name: 'example.com', server: '10.0.0.1', all: true }], /either a server or all/],
    ['probeDns', [{ name: 'example.com', extra: 1 }], /does not know the setting "extra"/],
    ['runDnsLoad', [{ server: '127.0.0.1', qps: 0, durationSec: 1 }], /rate is 1 to 200,000/],
    ['runDnsLoad', [{ server: '127.0.0.1', qps: 10, durationSec: 3600 }], /duration is 0.1 to 300 s/],
    ['runDnsLoad', [{ qps: 10, durationSec: 1 }], /server/],
    ['runDnsLoad', [{ server: '127.0.0.1', qps: 10, durationSec: 0 }], /duration is 0.1 to 300 s/],
    ['runDnsLoad', [{ server: '127.0.0.1', qps: 10, durationSec: 1, sockets: 0 }], /1 to 64 sockets/],
    ['runDnsLoad', [{ server: '127.0.0.1', qps: 10, durationSec: 1, maxOutstanding: 0 }], /in flight/],
    ['probeDns', [{ name: 'example.com', timeoutMs: 0 }], /timeout is 1 ms to 60 s/],
    ['previewDnsSearch', ['printer', { server: 'not-an-address' }], /not a DNS server address/],
    ['startDnsWatch', [{ intervalSec: 1, timeoutMs: 2000 }], /shorter than the interval/],
    ['startDnsWatch', [{ servers: Array.from({ length: 17 }, (_, i) => `10.0.0.${i + 1}`) }], /at most 16/],
    ['compareDns', ['x'.repeat(300)], /more than 253/],
  ];
  it.each(bad)('%s %j is refused with a clear error', async (method, args, message) => {
    const r = await backend().call(method, args);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('invalid-argument');
      expect(r.error.message).toMatch(message);
    }
  });

  it('accepts IPv6 servers with scope and port, and normalizes the type', () => {
    const parsed = contract.requests.probeDns.args.parse([{ name: 'example.com.', server: '[fe80::1%eth0]:5353', type: 'aaaa' }]);
    expect(parsed[0]).toMatchObject({ name: 'example.com', type: 'AAAA', server: { address: 'fe80::1', zone: 'eth0', port: 5353, text: '[fe80::1%eth0]:5353' }, timeoutMs: 2000, edns: true });
  });
});

describe('DNS service', () => {
  it('probes the system\u2019s first server by default, and one given server', async () => {
    const { ok } = backend();
    const r = await ok<{ results: DnsProbeResult[]; comparison: unknown }>('probeDns', { name: 'host.test' });
    expect(r.results).toHaveLength(1);
    expect(r.results[0]).toMatchObject({ kind: 'answer', server: server.address, rcode: 'NOERROR' });
    expect(r.results[0]?.answers[0]?.data).toBe('10.1.2.3');
    expect(r.comparison).toBeNull();
    const closed = await ok<{ results: DnsProbeResult[] }>('probeDns', { name: 'host.test', server: closedPort, timeoutMs: 1000 });
    expect(closed.results[0]?.kind).toBe('port-unreachable');
  });

  it('compares every server the system uses and says they disagree', async () => {
    const { ok } = backend({ readResolvers: async () => resolvers([server.address, closedPort]) });
    const r = await ok<{ results: DnsProbeResult[]; comparison: { agree: boolean; groups: { answer: string; servers: string[] }[] } }>('compareDns', 'host.test', 'A');
    expect(r.results.map((x) => x.kind)).toEqual(['answer', 'port-unreachable']);
    expect(r.comparison.agree).toBe(false);
    expect(r.comparison.groups).toEqual([
      { answer: 'NOERROR A 10.1.2.3', servers: [server.address] },
      { answer: 'port-unreachable', servers: [closedPort] },
    ]);
  });

  it('previews the search list with an answer for each name', async () => {
    const { ok } = backend({ readResolvers: async () => resolvers([server.address], ['corp.test', 'lab.test']) });
    const r = await ok<{ steps: { name: string; result: DnsProbeResult }[]; resolvedBy: string | null }>('previewDnsSearch', 'printer');
    expect(r.steps.map((s) => [s.name, s.result.kind])).toEqual([
      ['printer.corp.test', 'answer'],
      ['printer.lab.test', 'refused'],
      ['printer', 'refused'],
    ]);
    expect(r.resolvedBy).toBe('printer.corp.test');
  });

  it('says when the system has no resolver', async () => {
    const { call } = backend({ readResolvers: async () => resolvers([]) });
    const r = await call('probeDns', [{ name: 'host.test' }]);
    expect(r).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('runs one load at a time with progress events, and a cancel ends it early with its report', async () => {
    const { ok, call, events } = backend();
    const running = ok<{ sent: number; answered: number; lost: number; durationS: number; fds: { before: number; after: number; socketsBefore: number; socketsAfter: number } }>('runDnsLoad', {
      server: server.address, qps: 500, durationSec: 20, name: 'host.test',
    });
    const progressSoFar = () => events.filter((e) => e.name === 'dnsLoadProgress').map((e) => e.payload as EventPayload<'dnsLoadProgress'>);
    // Running, with two progress reports and more than 100 queries sent: then the second load and the cancel.
    await vi.waitFor(() => expect(progressSoFar().length >= 2 && progressSoFar().at(-1)!.sent > 100).toBe(true), { timeout: 15_000, interval: 25 });
    const second = await call('runDnsLoad', [{ server: server.address, qps: 10, durationSec: 1 }]);
    expect(second).toMatchObject({ ok: false, error: { message: expect.stringMatching(/already running/) } });
    expect(await ok('cancelDnsLoad')).toEqual({ cancelled: true });
    const r = await running;
    // Ended early: before its 20 s, with what it sent until the cancel.
    expect(r.durationS).toBeLessThan(20);
    expect(r.sent).toBeGreaterThan(100);
    expect(r.sent).toBeLessThan(500 * 20);
    expect(r.answered + r.lost).toBe(r.sent);
    expect(r.fds.after).toBe(r.fds.before);
    expect(r.fds.socketsAfter).toBe(r.fds.socketsBefore);
    const progress = events.filter((e) => e.name === 'dnsLoadProgress').map((e) => e.payload as EventPayload<'dnsLoadProgress'>);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.every((p) => p.runId === 1 && p.durationS === 20)).toBe(true);
    expect(progress[1]!.sent).toBeGreaterThan(progress[0]!.sent);
    expect(await ok('cancelDnsLoad')).toEqual({ cancelled: false });
  });
});

describe('DNS watch', () => {
  it('probes every interval, keeps the history, and posts only changes between answering and not answering', async () => {
    // The resolver answers, stops answering for two rounds, then answers again.
    const script: DnsProbeResult['kind'][] = ['answer', 'answer', 'timeout', 'timeout', 'answer'];
    let calls = 0;
    const probe = async (req: { server: unknown; name: string }): Promise<DnsProbeResult> => {
      const kind = script[Math.min(calls++, script.length - 1)]!;
      return {
        server: String(req.server), name: req.name, type: 'A', kind, message: '', transport: 'udp', rttMs: kind === 'answer' ? 1.5 : null, udpRttMs: null,
        rcode: kind === 'answer' ? 'NOERROR' : null, flags: null, answers: kind === 'answer' ? [{ name: req.name, type: 'A', ttl: 60, data: '93.184.215.14' }] : [],
        authorities: [], additionals: [], edns: null, truncated: false, ignoredReplies: 0, questionEchoed: kind === 'answer', queryId: 1, localPort: 1, errno: null,
      };
    };
    const { ok, events, timeline, dns } = backend({ probe });
    const first = await ok<{ running: boolean; resolvers: { server: string; samples: unknown[] }[]; reachability: { state: string } }>('startDnsWatch', { servers: ['192.168.4.1'], intervalSec: 1, timeoutMs: 500 });
    expect(first.running).toBe(true);
    expect(first.resolvers).toHaveLength(1);
    expect(first.resolvers[0]?.samples).toHaveLength(1);
    // A local resolver answered a public name with a public address: the internet is reachable.
    expect(first.reachability.state).toBe('internet');
    const updates = (): DnsWatchUpdate[] => events.filter((e) => e.name === 'dnsWatchUpdate').map((e) => e.payload as DnsWatchUpdate);
    await vi.waitFor(() => expect(updates().length).toBeGreaterThanOrEqual(5), { timeout: 12_000, interval: 25 });
    expect(updates()).toHaveLength(5);
    const state = await ok<{ resolvers: { samples: { at: number }[]; verdict: { text: string } }[] }>('stopDnsWatch');
    const at = state.resolvers[0]!.samples.map((s) => s.at);
    // About one interval apart.
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(900);
    expect(updates()[2]?.verdicts[0]?.text).toBe('no answer for 0 s');
    // One interval (at least 0.9 s, more on a busy machine) into the silence.
    expect(updates()[3]?.verdicts[0]?.text).toMatch(/^no answer for [1-9]\d* s$/);
    expect(updates()[3]?.reachability.state).toBe('no-dns');
    const dnsEvents = timeline.list().filter((e) => e.source === 'dns').map((e) => e.kind);
    expect(dnsEvents).toEqual(['dns-watch-started', 'dns-resolver-silent', 'dns-resolver-answers', 'dns-watch-stopped']);
    // Stopped means stopped: no round in more than an interval (a window to watch for one, not a wait for a condition).
    const n = calls;
    await new Promise((r) => setTimeout(r, 1300));
    expect(calls).toBe(n);
    expect((await ok<{ running: boolean }>('getDnsWatch')).running).toBe(false);
    dns.close?.();
  }, 15_000);

  it('watches the system\u2019s servers for real when none is given: a local resolver that refuses a public name means local network only', async () => {
    const { ok, dns } = backend();
    const s = await ok<{ config: { servers: string[] }; resolvers: { verdict: { text: string; state: string } }[]; reachability: { state: string; text: string } }>('startDnsWatch', { name: 'example.com' });
    expect(s.config.servers).toEqual([server.address]);
    expect(s.resolvers[0]?.verdict).toMatchObject({ state: 'answers', text: 'refused' });
    expect(s.reachability).toMatchObject({ state: 'local-only', text: "local network only — normal on a device's own Wi-Fi" });
    dns.close?.();
  });
});
