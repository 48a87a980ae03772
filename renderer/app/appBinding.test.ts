import { beforeEach, describe, expect, it } from 'vitest';
import type { EventName, EventPayload, GapscopeApi, Settings } from '../../shared/contract';
import { GapscopeError } from '../../shared/errors';
import type { TimelineEvent } from '../../shared/timeline';
import { createAppStore, type AppStore } from '../store/store';
import { bindApp } from './appBinding';

const settings: Settings = { chartWindowSec: 60, packetsShown: 50 };

// A back end in memory: answers the window's requests, and lets the test push events and hold the timeline's load.
function fakeApi(timeline: TimelineEvent[] = []) {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  let release: (() => void) | null = null;
  let hold = false;
  let settingsError: GapscopeError | null = null;
  const api = {
    on<E extends EventName>(name: E, l: (p: EventPayload<E>) => void) {
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      set.add(l as (p: unknown) => void);
      return () => set.delete(l as (p: unknown) => void);
    },
    getAppInfo: async () => ({ version: '0.1.0', platform: 'linux', mode: 'web' as const }),
    getSettings: async () => settings,
    updateSettings: async (change: Partial<Settings>) => {
      if (settingsError) throw settingsError;
      return { ...settings, ...change } as Settings;
    },
    listTimelineEvents: async () => {
      if (hold) await new Promise<void>((r) => (release = r));
      return timeline;
    },
  } as unknown as GapscopeApi;
  return {
    api,
    emit<E extends EventName>(name: E, payload: EventPayload<E>) {
      for (const l of listeners.get(name) ?? []) l(payload);
    },
    hold() {
      hold = true;
    },
    release() {
      hold = false;
      release?.();
    },
    refuseSettings(e: GapscopeError | null) {
      settingsError = e;
    },
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));
const ev = (id: number): TimelineEvent => ({ id, at: 1_000 + id, source: 'network', kind: 'interface-down', severity: 'warning', summary: `event ${id}` });

describe('bindApp', () => {
  let store: AppStore;
  beforeEach(() => {
    store = createAppStore();
  });

  it('loads the version and the settings once the connection is open', async () => {
    bindApp(fakeApi().api, store);
    await settle();
    expect(store.getState().appInfo).toBeNull();
    store.getState().setConnection('open');
    await settle();
    expect(store.getState().appInfo?.mode).toBe('web');
    expect(store.getState().settings).toEqual(settings);
    expect(store.getState().packetLimit).toBe(50);
  });

  it('loads the timeline on start and appends pushed events once each', async () => {
    const fake = fakeApi([ev(1), ev(2)]);
    fake.hold();
    store.getState().setConnection('open');
    bindApp(fake.api, store);
    await settle();
    fake.emit('timelineEvent', ev(2)); // already in the loaded list
    fake.emit('timelineEvent', ev(3));
    fake.release();
    await settle();
    expect(store.getState().timeline.map((e) => e.id)).toEqual([1, 2, 3]);
    fake.emit('timelineEvent', ev(4));
    expect(store.getState().timeline.map((e) => e.id)).toEqual([1, 2, 3, 4]);
  });

  it('shows a refused settings change in the settings menu, and clears it when one is saved', async () => {
    const fake = fakeApi();
    store.getState().setConnection('open');
    const { commands } = bindApp(fake.api, store);
    await settle();
    fake.refuseSettings(new GapscopeError('invalid-argument', 'packetsShown must be at least 10.', 'packetsShown'));
    await commands.updateSettings({ packetsShown: 1 });
    expect(store.getState().errors.settings).toEqual({ code: 'invalid-argument', message: 'packetsShown must be at least 10.', field: 'packetsShown' });
    fake.refuseSettings(null);
    await commands.updateSettings({ packetsShown: 20 });
    expect(store.getState().errors.settings).toBeNull();
    expect(store.getState().settings?.packetsShown).toBe(20);
  });
});
