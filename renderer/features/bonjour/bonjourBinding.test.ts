// The Bonjour binding under live batches: highlights that end, removed rows that linger then go,
// a flood answered by one refetch a second instead of one per batch, and no browsing (no mDNS)
// before the tab is shown.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GapscopeApi } from '../../../shared/contract';
import type { BonjourChangeBatch, BonjourSnapshot } from '../../../shared/mdns/bonjourTypes';
import type { ServiceInstance } from '../../../shared/mdns/serviceCache';
import { validateArgs } from '../../../shared/rpc/dispatcher';
import { createAppStore, type AppStore } from '../../store/store';
import { bindBonjour } from './bonjourBinding';
import { HIGHLIGHT_MS } from './bonjourSlice';

const inst = (key: string, port = 80): ServiceInstance => ({ key, name: key, type: '_http._tcp.local', host: 'h.local', port, priority: 0, weight: 0, txt: [], txtBytes: 0, txtTruncated: false, addresses: [], missing: ['address'], interfaces: ['eth1', 'wlan0'], sources: [], ttl: 120, firstSeen: 0, lastSeen: 0 });
const status = { browsing: true, types: [], ifaces: [], sockets: [], packets: 0, dropped: 0, rateLimited: 5, changesCoalesced: 0, warnings: [] };

function fakeApi(snapshot: () => BonjourSnapshot) {
  const listeners = new Set<(b: BonjourChangeBatch) => void>();
  const calls: string[] = [];
  const api = {
    on: (name: string, l: (b: BonjourChangeBatch) => void) => {
      if (name !== 'bonjourChange') return () => undefined;
      listeners.add(l);
      return () => listeners.delete(l);
    },
    startBrowse: () => (calls.push('startBrowse'), Promise.resolve(status)),
    listServices: () => (calls.push('listServices'), Promise.resolve(snapshot())),
    getServiceDetails: () => Promise.reject(new Error('not used')),
    // The door's own check, so the refusal is the one the back end gives.
    advertiseService: async (req: unknown) => {
      validateArgs('advertiseService', [req]);
      return { id: 'ad1', name: 'T', requestedName: 'T', type: '_g._udp', port: 4555, host: 'h.local', state: 'announced' };
    },
  } as unknown as GapscopeApi;
  return { api, calls, push: (b: BonjourChangeBatch) => listeners.forEach((l) => l(b)) };
}

describe('Bonjour binding', () => {
  let store: AppStore;
  beforeEach(() => {
    vi.useFakeTimers();
    store = createAppStore();
    store.getState().setConnection('open');
  });
  afterEach(() => vi.useRealTimers());

  it('highlights an added instance briefly, and keeps a removed one struck through until the highlight ends', () => {
    const rows = () => store.getState().bonjour.rows;
    const fake = fakeApi(() => ({ status, types: [], instances: [], advertised: [] }));
    bindBonjour(fake.api, store);
    fake.push({ at: 0, resync: false, changes: [{ kind: 'added', instance: inst('a') }, { kind: 'added', instance: inst('b') }] });
    expect(rows().a!.flash).toBe('added');
    vi.advanceTimersByTime(HIGHLIGHT_MS + 300);
    expect(rows().a!.flash).toBeNull();
    fake.push({ at: 0, resync: false, changes: [{ kind: 'removed', instance: inst('a') }, { kind: 'updated', instance: inst('b', 81) }] });
    expect([rows().a!.flash, rows().b!.flash, rows().b!.instance.port]).toEqual(['removed', 'updated', 81]);
    vi.advanceTimersByTime(HIGHLIGHT_MS + 300);
    expect(Object.keys(rows())).toEqual(['b']);
    expect(rows().b!.instance.interfaces).toEqual(['eth1', 'wlan0']);
  });

  it('answers a flood of resync batches with at most one refetch a second', async () => {
    const fake = fakeApi(() => ({ status, types: [], instances: [inst('x')], advertised: [] }));
    bindBonjour(fake.api, store);
    for (let k = 0; k < 30; k++) {
      fake.push({ at: k * 100, resync: true, changes: [{ kind: 'added', instance: inst(`f${k}`) }] });
      await vi.advanceTimersByTimeAsync(100);
    }
    const refetches = fake.calls.filter((c) => c === 'listServices').length;
    expect(refetches).toBeLessThanOrEqual(4);
    expect(refetches).toBeGreaterThanOrEqual(2);
    expect(store.getState().bonjour.batches).toBe(30);
    await vi.advanceTimersByTimeAsync(1500);
    expect(Object.keys(store.getState().bonjour.rows)).toEqual(['x']);
  });

  it('starts browsing only when the tab is shown, then loads what is known', async () => {
    const fake = fakeApi(() => ({ status, types: [], instances: [inst('x')], advertised: [] }));
    bindBonjour(fake.api, store);
    await vi.advanceTimersByTimeAsync(5000);
    expect(fake.calls).toEqual([]);
    store.getState().showView('bonjour');
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.calls).toEqual(['startBrowse', 'listServices']);
    expect(store.getState().bonjour.status?.browsing).toBe(true);
    expect(Object.keys(store.getState().bonjour.rows)).toEqual(['x']);
  });

  it('keeps a refused advertisement in the Advertise card, naming the field, and clears it on the next try', async () => {
    const fake = fakeApi(() => ({ status, types: [], instances: [], advertised: [] }));
    const { commands } = bindBonjour(fake.api, store);
    const b = () => store.getState().bonjour;
    b().setForm({ name: 'T', type: '_g._udp', port: '', txt: '' });
    await commands.advertise();
    expect([b().advertiseError, b().error, b().advertising]).toEqual([{ code: 'invalid-argument', message: 'The port must be a number.', field: 'port' }, null, false]);
    b().setForm({ port: '4555' });
    await commands.advertise();
    expect([b().advertiseError, b().lastAdvertised?.id]).toEqual([null, 'ad1']);
  });
});
