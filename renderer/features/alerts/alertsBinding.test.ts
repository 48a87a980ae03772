import { beforeEach, describe, expect, it } from 'vitest';
import type { EventName, EventPayload, GapscopeApi, StreamAlert, StreamInfo } from '../../../shared/contract';
import { createAppStore, type AppStore } from '../../store/store';
import { bindAlerts } from './alertsBinding';
import type { DesktopNotifier } from './desktopNotice';

function info(id: string, label?: string): StreamInfo {
  return {
    id,
    config: { port: 4000, binMs: 100, recvBufferBytes: 8 << 20, decode: 'auto', alertOn: ['gap>500ms'], ...(label ? { label } : {}) },
    kind: 'unicast',
    family: 'ipv4',
    status: 'listening',
    error: null,
    warning: null,
    startedAt: 1_700_000_000_000,
    bound: '0.0.0.0:4000',
    recvBufferRequested: 8 << 20,
    recvBufferGranted: 16 << 20,
  };
}

// The API's event side in memory: the test pushes streamAlert as the back end would.
function fakeApi() {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const api = {
    on<E extends EventName>(name: E, l: (p: EventPayload<E>) => void) {
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      set.add(l as (p: unknown) => void);
      return () => set.delete(l as (p: unknown) => void);
    },
  } as unknown as GapscopeApi;
  return {
    api,
    emit<E extends EventName>(name: E, payload: EventPayload<E>) {
      for (const l of listeners.get(name) ?? []) l(payload);
    },
    listening: (name: string) => listeners.get(name)?.size ?? 0,
  };
}

function recordingNotifier(focused: { now: boolean }) {
  const shown: { title: string; body: string; tag: string }[] = [];
  let asked = 0;
  const notifier: DesktopNotifier = {
    ask: () => void (asked += 1),
    focused: () => focused.now,
    show: (title, body, tag) => void shown.push({ title, body, tag }),
  };
  return { notifier, shown, asked: () => asked };
}

const raised = (id: string, at: number, sentence = 'gap>500ms failed: the longest gap was 1.20 s.'): StreamAlert => ({
  id,
  change: { condition: 'gap>500ms', state: 'raised', at, times: 1, sentence },
  raised: [{ condition: 'gap>500ms', raisedAt: at, lastMetAt: at, times: 1, sentence }],
});
const repeated = (id: string, at: number, times: number): StreamAlert => ({
  id,
  change: { condition: 'gap>500ms', state: 'repeated', at, times, sentence: 'gap>500ms failed: the longest gap was 900 ms.' },
  raised: [{ condition: 'gap>500ms', raisedAt: 1000, lastMetAt: at, times, sentence: 'gap>500ms failed: the longest gap was 900 ms.' }],
});
const cleared = (id: string, at: number, times: number): StreamAlert => ({
  id,
  change: { condition: 'gap>500ms', state: 'cleared', at, times, sentence: 'gap>500ms passed: the longest gap was 0 ms.' },
  raised: [],
});

describe('bindAlerts', () => {
  let store: AppStore;
  beforeEach(() => {
    store = createAppStore();
    store.getState().upsertStreamInfo(info('s1', 'GDL90 from the receiver'));
  });

  it('notifies once per raise, never per repeat, while the window is not focused, naming the stream and the condition\u2019s sentence', () => {
    const back = fakeApi();
    const focus = { now: false };
    const desk = recordingNotifier(focus);
    bindAlerts(back.api, store, desk.notifier);
    back.emit('streamAlert', raised('s1', 1000));
    back.emit('streamAlert', repeated('s1', 2000, 2));
    back.emit('streamAlert', repeated('s1', 3000, 3));
    back.emit('streamAlert', cleared('s1', 9000, 3));
    expect(desk.shown).toEqual([{ title: 'Gapscope alert: GDL90 from the receiver', body: 'gap>500ms failed: the longest gap was 1.20 s.', tag: 's1|gap>500ms' }]);
    // Looking at the window: the banner says it, no notification.
    focus.now = true;
    back.emit('streamAlert', raised('s1', 10_000));
    expect(desk.shown).toHaveLength(1);
  });

  it('keeps a notice per stream and condition: raised, then cleared with its count', () => {
    const back = fakeApi();
    bindAlerts(back.api, store, recordingNotifier({ now: true }).notifier);
    back.emit('streamAlert', raised('s1', 1000));
    expect(store.getState().alerts.notices).toMatchObject([{ key: 's1|gap>500ms', state: 'raised', raisedAt: 1000, times: 1 }]);
    back.emit('streamAlert', repeated('s1', 2000, 2));
    expect(store.getState().alerts.notices).toMatchObject([{ key: 's1|gap>500ms', state: 'raised', raisedAt: 1000, times: 2 }]);
    back.emit('streamAlert', cleared('s1', 9000, 3));
    expect(store.getState().alerts.notices).toMatchObject([{ key: 's1|gap>500ms', state: 'cleared', raisedAt: 1000, clearedAt: 9000, times: 3 }]);
    back.emit('streamAlert', raised('s1', 12_000));
    expect(store.getState().alerts.notices).toMatchObject([{ key: 's1|gap>500ms', state: 'raised', raisedAt: 12_000, clearedAt: null }]);
  });

  it('a dismissed alert stays dismissed until its condition is raised again, its clear included', () => {
    const back = fakeApi();
    bindAlerts(back.api, store, recordingNotifier({ now: true }).notifier);
    back.emit('streamAlert', raised('s1', 1000));
    store.getState().dismissAlert('s1|gap>500ms', 1000);
    back.emit('streamAlert', cleared('s1', 9000, 1));
    expect(store.getState().alerts.notices).toEqual([]);
    back.emit('streamAlert', raised('s1', 12_000));
    expect(store.getState().alerts.notices).toMatchObject([{ state: 'raised', raisedAt: 12_000 }]);
  });

  it('asks for permission only when told to (from a click), and unbinds', () => {
    const back = fakeApi();
    const desk = recordingNotifier({ now: false });
    const bound = bindAlerts(back.api, store, desk.notifier);
    expect(desk.asked()).toBe(0);
    bound.commands.askToNotify();
    expect(desk.asked()).toBe(1);
    bound.dispose();
    expect(back.listening('streamAlert')).toBe(0);
  });
});
