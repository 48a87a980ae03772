// The Bonjour store under live batches: highlights that end, removed rows that linger then go, and
// a flood answered by one refetch a second instead of one per batch.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GapscopeApi } from '../../../shared/contract';
import type { BonjourSnapshot } from '../../../shared/mdns/bonjourTypes';
import type { ServiceInstance } from '../../../shared/mdns/serviceCache';
import { HIGHLIGHT_MS, applyBatch, bonjourStore, resetBonjourStore } from './bonjourStore';

const inst = (key: string, port = 80): ServiceInstance => ({ key, name: key, type: '_http._tcp.local', host: 'h.local', port, priority: 0, weight: 0, txt: [], txtBytes: 0, txtTruncated: false, addresses: [], interfaces: ['eth1', 'wlan0'], sources: [], ttl: 120, firstSeen: 0, lastSeen: 0 });

function fakeApi(snapshot: () => BonjourSnapshot): { api: GapscopeApi; calls: () => number } {
  let n = 0;
  const api = {
    listServices: () => {
      n++;
      return Promise.resolve(snapshot());
    },
    getServiceDetails: () => Promise.reject(new Error('not used')),
  } as unknown as GapscopeApi;
  return { api, calls: () => n };
}

describe('bonjour store', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    resetBonjourStore();
  });
  afterEach(() => vi.useRealTimers());

  it('highlights an added instance briefly, and keeps a removed one struck through until the highlight ends', () => {
    applyBatch(null, { at: 0, resync: false, changes: [{ kind: 'added', instance: inst('a') }, { kind: 'added', instance: inst('b') }] });
    expect(bonjourStore.getState().rows.a!.flash).toBe('added');
    vi.advanceTimersByTime(HIGHLIGHT_MS + 300);
    expect(bonjourStore.getState().rows.a!.flash).toBeNull();
    applyBatch(null, { at: 0, resync: false, changes: [{ kind: 'removed', instance: inst('a') }, { kind: 'updated', instance: inst('b', 81) }] });
    const s = bonjourStore.getState();
    expect([s.rows.a!.flash, s.rows.b!.flash, s.rows.b!.instance.port]).toEqual(['removed', 'updated', 81]);
    vi.advanceTimersByTime(HIGHLIGHT_MS + 300);
    expect(Object.keys(bonjourStore.getState().rows)).toEqual(['b']);
    expect(bonjourStore.getState().rows.b!.instance.interfaces).toEqual(['eth1', 'wlan0']);
  });

  it('answers a flood of resync batches with at most one refetch a second', async () => {
    const { api, calls } = fakeApi(() => ({ status: { browsing: true, types: [], ifaces: [], sockets: [], packets: 0, dropped: 0, rateLimited: 5, changesCoalesced: 0, warnings: [] }, types: [], instances: [inst('x')], advertised: [] }));
    for (let k = 0; k < 30; k++) {
      applyBatch(api, { at: k * 100, resync: true, changes: [{ kind: 'added', instance: inst(`f${k}`) }] });
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(calls()).toBeLessThanOrEqual(4);
    expect(calls()).toBeGreaterThanOrEqual(2);
    expect(bonjourStore.getState().batches).toBe(30);
    await vi.advanceTimersByTimeAsync(1500);
    expect(Object.keys(bonjourStore.getState().rows)).toEqual(['x']);
  });
});
