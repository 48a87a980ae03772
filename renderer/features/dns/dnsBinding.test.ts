// The DNS binding: reads the resolvers and the watch when the tab is shown, turns the forms into
// requests, keeps each answer or error, and takes the watch's samples from start-up (bounded).
import { beforeEach, describe, expect, it } from 'vitest';
import type { EventName, GapscopeApi } from '../../../shared/contract';
import type { DnsWatchState, DnsWatchUpdate } from '../../../shared/contract/dns';
import { GapscopeError } from '../../../shared/errors';
import type { WatchSample } from '../../../shared/dns/reachability';
import { createAppStore, type AppStore } from '../../store/store';
import { bindDns } from './dnsBinding';
import { MAX_SAMPLES } from './dnsSlice';

const watchState = (running: boolean): DnsWatchState => ({ running, config: null, startedAt: running ? 1000 : null, resolvers: [], reachability: { state: 'unknown', text: '', because: '' }, problem: null }) as unknown as DnsWatchState;
const sample = (at: number): WatchSample => ({ at, rttMs: 1, ok: true }) as unknown as WatchSample;

/** A back end in memory: records each request with its arguments, and lets the test push events. */
function fakeApi(fail: Partial<Record<string, GapscopeError>> = {}) {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const calls: string[] = [];
  const answer = (name: string, value: unknown) => async (...args: unknown[]) => {
    calls.push(`${name} ${JSON.stringify(args)}`);
    const e = fail[name];
    if (e) throw e;
    return value;
  };
  const api = {
    on: (name: string, l: (p: unknown) => void) => {
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set.add(l));
      return () => set.delete(l);
    },
    readDnsResolvers: answer('readDnsResolvers', { serversInUse: [] }),
    getDnsWatch: answer('getDnsWatch', watchState(false)),
    probeDns: answer('probeDns', { results: [] }),
    compareDns: answer('compareDns', { results: [] }),
    previewDnsSearch: answer('previewDnsSearch', { steps: [] }),
    startDnsWatch: answer('startDnsWatch', watchState(true)),
    runDnsLoad: answer('runDnsLoad', { sent: 10 }),
  } as unknown as GapscopeApi;
  return { api, calls, emit: (name: EventName, p: unknown) => listeners.get(name)?.forEach((l) => l(p)), listeners: () => [...listeners.values()].reduce((n, s) => n + s.size, 0) };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('DNS binding', () => {
  let store: AppStore;
  beforeEach(() => {
    store = createAppStore();
    store.getState().setConnection('open');
  });

  it('reads the resolvers and the watch each time the tab is shown, not before', async () => {
    const fake = fakeApi();
    const { dispose } = bindDns(fake.api, store);
    await settle();
    expect(fake.calls).toEqual([]);
    store.getState().showView('dns');
    await settle();
    expect(fake.calls).toEqual(['readDnsResolvers []', 'getDnsWatch []']);
    expect(store.getState().dns.resolvers).toEqual({ busy: false, value: { serversInUse: [] }, error: null });
    store.getState().showView('network');
    store.getState().showView('dns');
    await settle();
    expect(fake.calls).toHaveLength(4);
    dispose();
    expect(fake.listeners()).toBe(0);
  });

  it('asks what the forms say, trimmed, and the target chosen', async () => {
    const fake = fakeApi();
    const { commands } = bindDns(fake.api, store);
    const dns = () => store.getState().dns;
    dns().setProbeForm({ name: ' printer.lan ', type: 'AAAA', target: 'server', server: ' 10.0.0.1 ' });
    await commands.probe();
    dns().setProbeForm({ target: 'all' });
    await commands.probe();
    await commands.compare();
    dns().setSearchName(' printer ');
    dns().setProbeForm({ target: 'server' });
    await commands.search();
    dns().setWatchForm({ servers: '10.0.0.1, 1.1.1.1', name: 'example.com', intervalSec: '2' });
    await commands.startWatch();
    dns().setLoadForm({ server: ' 10.0.0.1', qps: '500', durationSec: '3', name: 'x.lan' });
    await commands.runLoad();
    expect(fake.calls).toEqual([
      'probeDns [{"name":"printer.lan","type":"AAAA","server":"10.0.0.1"}]',
      'probeDns [{"name":"printer.lan","type":"AAAA","all":true}]',
      'compareDns ["printer.lan","AAAA"]',
      'previewDnsSearch ["printer",{"type":"AAAA","server":"10.0.0.1"}]',
      'startDnsWatch [{"servers":["10.0.0.1","1.1.1.1"],"name":"example.com","intervalSec":2}]',
      'runDnsLoad [{"server":"10.0.0.1","qps":500,"durationSec":3,"name":"x.lan"}]',
    ]);
    expect(dns().watch.running).toBe(true);
    expect(dns().load.value).toEqual({ sent: 10 });
  });

  it('keeps a refused request\u2019s code and sentence, and clears them on the next try', async () => {
    const fail: Record<string, GapscopeError> = { probeDns: new GapscopeError('invalid-argument', '"x" is not a DNS server address.'), startDnsWatch: new GapscopeError('not-found', 'No resolver to watch.') };
    const fake = fakeApi(fail);
    const { commands } = bindDns(fake.api, store);
    await commands.probe();
    expect(store.getState().dns.probe).toEqual({ busy: false, value: null, error: { code: 'invalid-argument', message: '"x" is not a DNS server address.' } });
    await commands.startWatch();
    expect(store.getState().dns.watchError).toEqual({ code: 'not-found', message: 'No resolver to watch.' });
    delete fail.probeDns;
    delete fail.startDnsWatch;
    const pending = commands.probe();
    expect(store.getState().dns.probe).toMatchObject({ busy: true, error: null });
    await pending;
    await commands.startWatch();
    expect(store.getState().dns.probe.value).toEqual({ results: [] });
    expect(store.getState().dns.watchError).toBeNull();
  });

  it('takes watch samples and load progress from start-up, keeping the last MAX_SAMPLES per resolver', () => {
    const fake = fakeApi();
    bindDns(fake.api, store);
    const update = (at: number): DnsWatchUpdate => ({ running: true, samples: [{ server: '10.0.0.1', sample: sample(at) }], verdicts: [], reachability: { state: 'internet' } }) as unknown as DnsWatchUpdate;
    for (let k = 0; k < MAX_SAMPLES + 5; k++) fake.emit('dnsWatchUpdate', update(k));
    const w = store.getState().dns.watch;
    expect(w.samples['10.0.0.1']).toHaveLength(MAX_SAMPLES);
    expect(w.samples['10.0.0.1']![0]!.at).toBe(5);
    expect([w.running, w.startedAt, w.reachability?.state]).toEqual([true, 0, 'internet']);
    fake.emit('dnsLoadProgress', { elapsedS: 1, durationS: 5, sent: 100, answered: 99, lost: 0, inFlight: 1 });
    expect(store.getState().dns.loadProgress?.sent).toBe(100);
  });
});
