// The Network binding: reads only while the tab is shown, keeps every change from start-up, one
// refresh per burst of changes, and the connection test's outcome or error in the store.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GapscopeApi } from '../../../shared/contract';
import type { NetworkChangeEvent, NetworkHistory } from '../../../shared/contract/network';
import { GapscopeError } from '../../../shared/errors';
import type { ConnectTestResult, NetworkSnapshot } from '../../../shared/network/types';
import { createAppStore, type AppStore } from '../../store/store';
import { bindNetwork } from './networkBinding';

const change = (at: number, summary: string): NetworkChangeEvent => ({ at, kind: 'interface-added', severity: 'info', summary }) as NetworkChangeEvent;
const snapshot = (at: number): NetworkSnapshot => ({ at, interfaces: [], routes: [], defaults: [], tunnelCount: 0, wifi: null }) as unknown as NetworkSnapshot;

/** A back end in memory: counts the reads, answers the connection test, and lets the test push changes. */
function fakeApi() {
  const listeners = new Set<(c: NetworkChangeEvent) => void>();
  const calls: string[] = [];
  let history: NetworkHistory = { watching: true, intervalMs: 1000, points: [], changes: [] };
  let connectAnswer: () => Promise<ConnectTestResult> = async () => ({ outcome: 'refused' }) as ConnectTestResult;
  const api = {
    on: (_name: string, l: (c: NetworkChangeEvent) => void) => (listeners.add(l), () => listeners.delete(l)),
    getNetworkSnapshot: async (o: { fresh: boolean }) => (calls.push(`snapshot${o.fresh ? ' fresh' : ''}`), snapshot(calls.length)),
    getNetworkHistory: async () => (calls.push('history'), history),
    connectTest: (req: unknown) => (calls.push(`connect ${JSON.stringify(req)}`), connectAnswer()),
  } as unknown as GapscopeApi;
  return {
    api,
    calls,
    push: (c: NetworkChangeEvent) => listeners.forEach((l) => l(c)),
    listeners: () => listeners.size,
    setHistory: (h: NetworkHistory) => (history = h),
    answerConnect: (f: () => Promise<ConnectTestResult>) => (connectAnswer = f),
  };
}

describe('Network binding', () => {
  let store: AppStore;
  beforeEach(() => {
    vi.useFakeTimers();
    store = createAppStore();
    store.getState().setConnection('open');
  });
  afterEach(() => vi.useRealTimers());

  it('reads nothing until the tab is shown, then the snapshot fresh and the history every 2 s, until it is hidden', async () => {
    const fake = fakeApi();
    const { dispose } = bindNetwork(fake.api, store);
    await vi.advanceTimersByTimeAsync(5000);
    expect(fake.calls).toEqual([]);
    store.getState().showView('network');
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.calls).toEqual(['snapshot fresh', 'history']);
    expect(store.getState().network.snapshot).not.toBeNull();
    await vi.advanceTimersByTimeAsync(4000);
    expect(fake.calls.filter((c) => c === 'history')).toHaveLength(3);
    store.getState().showView('reception');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fake.calls.filter((c) => c === 'history')).toHaveLength(3);
    dispose();
    expect(fake.listeners()).toBe(0);
  });

  it('keeps changes from start-up, merges the remembered ones once, and refreshes once per burst while shown', async () => {
    const fake = fakeApi();
    bindNetwork(fake.api, store);
    fake.push(change(10, 'eth1 appeared'));
    expect(store.getState().network.changes.map((c) => c.summary)).toEqual(['eth1 appeared']);
    fake.setHistory({ watching: true, intervalMs: 1000, points: [], changes: [change(5, 'wlan0 went down'), change(10, 'eth1 appeared')] });
    store.getState().showView('network');
    await vi.advanceTimersByTimeAsync(0);
    expect(store.getState().network.changes.map((c) => c.summary)).toEqual(['wlan0 went down', 'eth1 appeared']);
    fake.calls.length = 0;
    for (let k = 0; k < 5; k++) fake.push(change(20 + k, `route ${k}`));
    await vi.advanceTimersByTimeAsync(300);
    expect(fake.calls).toEqual(['snapshot']);
    expect(store.getState().network.changes).toHaveLength(7);
  });

  it('reads again after a reconnect while shown', async () => {
    const fake = fakeApi();
    bindNetwork(fake.api, store);
    store.getState().showView('network');
    await vi.advanceTimersByTimeAsync(0);
    store.getState().setConnection('closed');
    await vi.advanceTimersByTimeAsync(5000);
    const before = fake.calls.length;
    store.getState().setConnection('open');
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.calls.slice(before)).toEqual(['snapshot fresh', 'history']);
  });

  it('refuses a target that is not HOST:PORT without asking, and keeps the outcome or the error of a test', async () => {
    const fake = fakeApi();
    const { commands } = bindNetwork(fake.api, store);
    store.getState().network.setTarget('10.0.0.5');
    await commands.connect();
    expect(store.getState().network.connectError).toEqual({ code: 'invalid-argument', message: 'Type HOST:PORT, e.g. 192.168.1.20:443 or [fd00::1]:8443.' });
    expect(fake.calls).toEqual([]);

    store.getState().network.setTarget('10.0.0.5:443');
    store.getState().network.setTls(true);
    await commands.connect();
    expect(fake.calls).toEqual(['connect {"host":"10.0.0.5","port":443,"tls":true}']);
    expect(store.getState().network).toMatchObject({ connecting: false, connectError: null, connectResult: { outcome: 'refused' } });

    fake.answerConnect(async () => {
      throw new GapscopeError('invalid-argument', 'The host must be a name or an address.');
    });
    await commands.connect();
    expect(store.getState().network).toMatchObject({ connecting: false, connectResult: null, connectError: { code: 'invalid-argument', message: 'The host must be a name or an address.' } });
  });
});
