import { beforeEach, describe, expect, it } from 'vitest';
import type { EventName, EventPayload, GapscopeApi, Settings, StreamInfo, StreamState } from '../../../shared/contract';
import { GapscopeError } from '../../../shared/errors';
import type { ReceptionDelta } from '../../../shared/reception/types';
import { bindApp } from '../../app/appBinding';
import { bindReception } from './receptionBinding';
import { emptyReception } from './streamState';
import { createAppStore, type AppStore } from '../../store/store';

function info(id: string, status: StreamInfo['status'] = 'listening'): StreamInfo {
  return {
    id,
    config: { port: 4000, binMs: 100, recvBufferBytes: 8 << 20, decode: 'auto' },
    kind: 'unicast',
    family: 'ipv4',
    status,
    error: null,
    warning: null,
    startedAt: 1_700_000_000_000,
    bound: '0.0.0.0:4000',
    recvBufferRequested: 8 << 20,
    recvBufferGranted: 16 << 20,
  };
}

function snapshotState(id: string, nowMs: number, packets: number[]): StreamState {
  const e = emptyReception(100, true);
  return {
    info: info(id),
    snapshot: {
      nowMs,
      totals: { ...e.totals, packets: packets.reduce((a, b) => a + b, 0) },
      bins: { binMs: 100, firstIndex: 0, packets, bytes: packets.map((p) => p * 512), lost: packets.map(() => 0) },
      gaps: [{ startMs: 100, endMs: 1100, durationMs: 1000, packetsBefore: 5, bytesBefore: 2560, cause: 'unexplained', lostPackets: null }],
      openGap: null,
      gapThresholdMs: 250,
      gapThresholdAutomatic: true,
      periodicity: e.periodicity,
      interArrival: e.interArrival,
      stalls: [],
      recentPackets: [],
      loss: null,
    },
  };
}

function delta(nowMs: number, firstIndex: number, packets: number[]): ReceptionDelta {
  const e = emptyReception(100, true);
  return {
    nowMs,
    totals: { ...e.totals, packets: 999 },
    bins: { binMs: 100, firstIndex, packets, bytes: packets.map((p) => p * 512), lost: packets.map(() => 0) },
    newGaps: [],
    openGap: null,
    gapThresholdMs: 250,
    periodicity: e.periodicity,
    interArrival: e.interArrival,
    newStalls: [],
    newPackets: [],
    loss: null,
  };
}

const settings: Settings = { chartWindowSec: 60, packetsShown: 50 };

// A back end in memory: answers requests from a table, and lets the test push events.
function fakeApi(streams: StreamState[], unreadable: string[] = []) {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const calls: string[] = [];
  let startError: GapscopeError | null = null;
  let releaseState: (() => void) | null = null;
  let holdStates = false;
  let listError: GapscopeError | null = null;
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
      calls.push(`updateSettings ${JSON.stringify(change)}`);
      return { ...settings, ...change } as Settings;
    },
    listInterfaces: async () => [],
    listStreams: async () => {
      if (listError) throw listError;
      return streams.map((s) => s.info);
    },
    getStreamState: async (id: string) => {
      if (holdStates) await new Promise<void>((r) => (releaseState = r));
      if (unreadable.includes(id)) throw new GapscopeError('socket-error', 'The agent does not answer.');
      const s = streams.find((x) => x.info.id === id);
      if (!s) throw new GapscopeError('not-found', 'no such stream');
      return s;
    },
    startStream: async () => {
      if (startError) throw startError;
      return info('s2');
    },
    stopStream: async (id: string) => info(id, 'stopped'),
    removeStream: async () => undefined,
    listTimelineEvents: async () => [],
  } as unknown as GapscopeApi;
  return {
    api,
    calls,
    emit<E extends EventName>(name: E, payload: EventPayload<E>) {
      for (const l of listeners.get(name) ?? []) l(payload);
    },
    failStart(e: GapscopeError) {
      startError = e;
    },
    failList(e: GapscopeError | null) {
      listError = e;
    },
    holdStates() {
      holdStates = true;
    },
    release() {
      holdStates = false;
      releaseState?.();
    },
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('bindReception', () => {
  let store: AppStore;
  let flushes: (() => void)[];
  const schedule = (f: () => void) => flushes.push(f);
  const runFrame = () => flushes.splice(0).forEach((f) => f());
  // As at start-up (app/api.ts): the window's binding beside reception's, which saves settings through it.
  const bindWithApp = (api: GapscopeApi, s: AppStore, sched: typeof schedule) => bindReception(api, s, bindApp(api, s).commands, sched);

  beforeEach(() => {
    store = createAppStore();
    flushes = [];
  });

  it('loads full history on start, once the connection is open', async () => {
    const fake = fakeApi([snapshotState('s1', 2000, [5, 5, 0, 0, 5])]);
    bindWithApp(fake.api, store, schedule);
    await settle();
    expect(store.getState().streamOrder).toEqual([]);
    store.getState().setConnection('open');
    await settle();
    const s = store.getState();
    expect(s.streamOrder).toEqual(['s1']);
    expect(s.selectedId).toBe('s1');
    expect(s.streams.s1!.reception.gaps).toHaveLength(1);
    expect(s.streams.s1!.reception.bins.snapshot().packets).toEqual([5, 5, 0, 0, 5]);
    expect(s.packetLimit).toBe(50);
    expect(s.appInfo?.mode).toBe('web');
  });

  it('merges live updates in one store change per frame', async () => {
    const fake = fakeApi([snapshotState('s1', 500, [5, 5, 5, 5, 5])]);
    store.getState().setConnection('open');
    bindWithApp(fake.api, store, schedule);
    await settle();
    let changes = 0;
    store.subscribe(() => changes++);
    fake.emit('streamUpdate', { id: 's1', delta: delta(600, 5, [7]) });
    fake.emit('streamUpdate', { id: 's1', delta: delta(700, 5, [9, 2]) });
    expect(changes).toBe(0);
    runFrame();
    expect(changes).toBe(1);
    expect(store.getState().streams.s1!.reception.bins.snapshot().packets).toEqual([5, 5, 5, 5, 5, 9, 2]);
  });

  it('keeps each stream\'s alerts raised now: from its state on load, then from each streamAlert, held while a load runs', async () => {
    const alert = { condition: 'gap>500ms', raisedAt: 1000, lastMetAt: 1400, times: 2, sentence: 'gap>500ms failed: the longest gap was 700 ms.' };
    const fake = fakeApi([{ ...snapshotState('s1', 500, [5]), alerts: [alert] }]);
    store.getState().setConnection('open');
    bindWithApp(fake.api, store, schedule);
    await settle();
    expect(store.getState().streams.s1!.alerts).toEqual([alert]);
    fake.emit('streamAlert', { id: 's1', change: { condition: 'gap>500ms', state: 'cleared', at: 9000, times: 2, sentence: 'gap>500ms passed: the longest gap was 0 ms.' }, raised: [] });
    expect(store.getState().streams.s1!.alerts).toEqual([]);
    // A live update keeps the stream's alerts as they are.
    fake.emit('streamAlert', { id: 's1', change: { condition: 'gap>500ms', state: 'raised', at: 9500, times: 1, sentence: alert.sentence }, raised: [{ ...alert, raisedAt: 9500, times: 1 }] });
    fake.emit('streamUpdate', { id: 's1', delta: delta(600, 1, [7]) });
    runFrame();
    expect(store.getState().streams.s1!.alerts).toMatchObject([{ raisedAt: 9500 }]);
  });

  it('holds events that arrive while the full state loads, and replays them after it', async () => {
    const fake = fakeApi([snapshotState('s1', 500, [5, 5, 5, 5, 5])]);
    fake.holdStates();
    store.getState().setConnection('open');
    bindWithApp(fake.api, store, schedule);
    await settle();
    fake.emit('streamUpdate', { id: 's1', delta: delta(400, 3, [1]) }); // older than the snapshot
    fake.emit('streamUpdate', { id: 's1', delta: delta(600, 5, [8]) });
    fake.release();
    await settle();
    runFrame();
    expect(store.getState().streams.s1!.reception.bins.snapshot().packets).toEqual([5, 5, 5, 5, 5, 8]);
  });

  it('reloads the streams whose updates web mode held back, and merges the updates after them', async () => {
    const streams = [snapshotState('s1', 500, [5, 5, 5, 5, 5])];
    const fake = fakeApi(streams);
    store.getState().setConnection('open');
    bindWithApp(fake.api, store, schedule);
    await settle();
    // The page missed the updates up to 900 ms; the back end's state has them.
    streams[0] = snapshotState('s1', 900, [5, 5, 5, 5, 5, 7, 7, 7, 7]);
    fake.emit('streamsSkipped', { ids: ['s1'] });
    await settle();
    expect(store.getState().streams.s1!.reception.bins.snapshot().packets).toEqual([5, 5, 5, 5, 5, 7, 7, 7, 7]);
    fake.emit('streamUpdate', { id: 's1', delta: delta(800, 8, [1]) }); // older than the reloaded state
    fake.emit('streamUpdate', { id: 's1', delta: delta(1000, 9, [6]) });
    runFrame();
    expect(store.getState().streams.s1!.reception.bins.snapshot().packets).toEqual([5, 5, 5, 5, 5, 7, 7, 7, 7, 6]);
  });

  it('shows a start failure beside the form and keeps running', async () => {
    const fake = fakeApi([]);
    store.getState().setConnection('open');
    const { commands } = bindWithApp(fake.api, store, schedule);
    await settle();
    fake.failStart(new GapscopeError('port-in-use', 'Port 4000 is already in use on 0.0.0.0.'));
    expect(await commands.start({ port: 4000 })).toBe(false);
    expect(store.getState().errors.setup).toEqual({ code: 'port-in-use', message: 'Port 4000 is already in use on 0.0.0.0.' });
    expect(store.getState().starting).toBe(false);
  });

  it('selects a started stream and remembers its setup', async () => {
    const fake = fakeApi([]);
    store.getState().setConnection('open');
    const { commands } = bindWithApp(fake.api, store, schedule);
    await settle();
    expect(await commands.start({ port: 4000, gapMs: 300 })).toBe(true);
    await settle();
    expect(store.getState().selectedId).toBe('s2');
    expect(fake.calls).toContain('updateSettings {"lastStream":{"port":4000,"gapMs":300}}');
    expect(store.getState().settings?.lastStream).toEqual({ port: 4000, gapMs: 300 });
  });

  it('follows status and removal events', async () => {
    const fake = fakeApi([snapshotState('s1', 500, [1])]);
    store.getState().setConnection('open');
    bindWithApp(fake.api, store, schedule);
    await settle();
    fake.emit('streamStatus', info('s1', 'stopped'));
    expect(store.getState().streams.s1!.info.status).toBe('stopped');
    fake.emit('streamStatus', info('s3'));
    expect(store.getState().streamOrder).toEqual(['s1', 's3']);
    fake.emit('streamRemoved', { id: 's1' });
    expect(store.getState().streamOrder).toEqual(['s3']);
    expect(store.getState().selectedId).toBe('s3');
  });

  it('shows a failed load of the streams beside the setup form, and takes it back when a load works', async () => {
    const fake = fakeApi([snapshotState('s1', 500, [1])]);
    fake.failList(new GapscopeError('permission-denied', 'The streams could not be read.'));
    store.getState().setConnection('open');
    bindWithApp(fake.api, store, schedule);
    await settle();
    expect(store.getState().errors.setup).toEqual({ code: 'permission-denied', message: 'The streams could not be read.' });
    expect(store.getState().streamOrder).toEqual([]);
    fake.failList(null);
    store.getState().setConnection('closed');
    store.getState().setConnection('open');
    await settle();
    expect(store.getState().errors.setup).toBeNull();
    expect(store.getState().streamOrder).toEqual(['s1']);
  });

  it('keeps an unreachable agent\'s streams listed when their state cannot be read, and drops a local one that went away', async () => {
    const remote: StreamState = { ...snapshotState('a1', 500, [1]), info: { ...info('a1'), agent: { id: 'alpha', name: 'alpha' } } };
    const fake = fakeApi([snapshotState('s1', 500, [1]), remote, snapshotState('gone', 500, [1])], ['a1', 'gone']);
    store.getState().setConnection('open');
    bindWithApp(fake.api, store, schedule);
    await settle();
    expect(store.getState().streamOrder).toEqual(['s1', 'a1']);
    expect(store.getState().streams.a1!.info.agent).toEqual({ id: 'alpha', name: 'alpha' });
    expect(store.getState().streams.a1!.info.status).toBe(remote.info.status);
    expect(store.getState().errors.setup).toBeNull();
  });

  it('reloads everything when the connection comes back', async () => {
    const streams = [snapshotState('s1', 500, [1])];
    const fake = fakeApi(streams);
    store.getState().setConnection('open');
    bindWithApp(fake.api, store, schedule);
    await settle();
    streams.push(snapshotState('s4', 100, [2]));
    store.getState().setConnection('closed');
    store.getState().setConnection('connecting');
    store.getState().setConnection('open');
    await settle();
    expect(store.getState().streamOrder).toEqual(['s1', 's4']);
  });
});
