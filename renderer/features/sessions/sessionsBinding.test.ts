import { beforeEach, describe, expect, it } from 'vitest';
import type { GapscopeApi } from '../../../shared/contract';
import type { RecordingState, SessionSummary } from '../../../shared/contract/sessions';
import { GapscopeError } from '../../../shared/errors';
import { createAppStore, type AppStore } from '../../store/store';
import { bindSessions } from './sessionsBinding';
import { recordProblem, recordedPackets } from './sessionsViewModel';

const idle: RecordingState = { recording: false, sessionId: null, name: null, file: null, startedAt: null, streams: [], error: null };
const running: RecordingState = {
  recording: true,
  sessionId: 's1',
  name: 'Session 1',
  file: '/data/s1/capture.pcapng',
  startedAt: 1,
  streams: [
    { id: 'a', label: 'port 4000', packets: 120, notRecorded: 0 },
    { id: 'b', label: 'port 4001', packets: 30, notRecorded: 4 },
  ],
  error: null,
};

function summary(id: string, over: Partial<SessionSummary> = {}): SessionSummary {
  return { id, name: id, notes: '', created: 1, ended: 2, status: 'complete', durationMs: 1000, streams: ['port 4000 (unicast)'], packets: 10, gaps: 1, captureBytes: 2000, error: null, ...over };
}

/** A back end in memory: the calls the store makes, and events pushed by hand. */
function fakeApi(over: Partial<Record<keyof GapscopeApi, unknown>> = {}) {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const calls: string[] = [];
  let state = idle;
  let sessions: SessionSummary[] = [summary('s0')];
  let folder = '/data/sessions';
  const base = {
    on: (name: string, l: (p: unknown) => void) => {
      if (!listeners.has(name)) listeners.set(name, new Set());
      listeners.get(name)!.add(l);
      return () => listeners.get(name)!.delete(l);
    },
    getRecordingState: async () => (calls.push('getRecordingState'), state),
    listSessions: async () => (calls.push('listSessions'), sessions),
    getSessionFolder: async () => (calls.push('getSessionFolder'), folder),
    setSessionFolder: async (f: string) => {
      calls.push(`setSessionFolder ${f}`);
      folder = f;
      sessions = [];
      return f;
    },
    startRecording: async () => (calls.push('startRecording'), (state = running)),
    stopRecording: async () => (calls.push('stopRecording'), (state = idle)),
    ...over,
  };
  return {
    api: base as unknown as GapscopeApi,
    calls,
    emit: (name: string, payload: unknown) => listeners.get(name)?.forEach((l) => l(payload)),
    listenerCount: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

let store: AppStore;
const state = () => store.getState().sessions;
beforeEach(() => {
  store = createAppStore();
});

describe('sessions binding', () => {
  it('binds once, loads the state when the back end connects (and again on reconnect), follows the events and unbinds', async () => {
    const b = fakeApi();
    const { dispose } = bindSessions(b.api, store);
    expect(b.listenerCount()).toBe(2); // recordingState + sessionsChanged, once
    await flush();
    expect(b.calls).toEqual([]);
    store.getState().setConnection('open');
    await flush();
    expect(b.calls.filter((c) => c === 'listSessions')).toHaveLength(1);
    expect(state()).toMatchObject({ recording: idle, folder: '/data/sessions', list: [{ id: 's0' }] });

    b.emit('recordingState', running);
    b.emit('sessionsChanged', [summary('s1'), summary('s0')]);
    expect(state().recording).toBe(running);
    expect(state().list!.map((s) => s.id)).toEqual(['s1', 's0']);

    store.getState().setConnection('closed');
    store.getState().setConnection('open');
    await flush();
    expect(b.calls.filter((c) => c === 'listSessions')).toHaveLength(2);
    dispose();
    expect(b.listenerCount()).toBe(0);
    b.emit('sessionsChanged', []);
    expect(state().list).toHaveLength(1);
  });

  it('Record starts, Record again stops; a failed click says why beside the button, not in the library', async () => {
    let fail = true;
    const b = fakeApi({
      startRecording: async () => {
        if (fail) throw new GapscopeError('invalid-argument', 'No stream is running: start one in Reception first, then record.');
        return running;
      },
    });
    const { commands } = bindSessions(b.api, store);
    await commands.refresh();
    await commands.toggleRecording();
    expect(state()).toMatchObject({ busy: false, recording: idle, listError: null, recordError: { code: 'invalid-argument', message: expect.stringContaining('No stream is running') } });

    fail = false;
    const started = commands.toggleRecording();
    expect(state().busy).toBe(true);
    await commands.toggleRecording(); // ignored while the first click is on its way
    await started;
    expect(state()).toMatchObject({ busy: false, recording: running, recordError: null });
    expect(recordedPackets(state().recording)).toEqual({ packets: 150, notRecorded: 4 });

    await commands.toggleRecording();
    expect(b.calls.filter((c) => c === 'stopRecording')).toHaveLength(1);
    expect(state().recording).toBe(idle);
  });

  it('a recording the disk stopped says why beside the button until the next one starts', () => {
    const full = { code: 'internal' as const, message: 'Recording stopped: the disk holding /data/s1/capture.pcapng is full. What was recorded so far is kept.' };
    const b = fakeApi();
    bindSessions(b.api, store);
    b.emit('recordingState', running);
    expect(recordProblem(state())).toBeNull();
    b.emit('recordingState', { ...idle, sessionId: 's1', error: full });
    expect(recordProblem(state())).toEqual(full);
    b.emit('recordingState', { ...running, error: null });
    expect(recordProblem(state())).toBeNull();
    // A failed click is what the user did last: it is shown first.
    state().setRecordError({ code: 'invalid-argument', message: 'No stream is running.' });
    b.emit('recordingState', { ...idle, error: full });
    expect(recordProblem(state())?.message).toBe('No stream is running.');
  });

  it('a library that cannot be read shows its error until a list arrives', async () => {
    const b = fakeApi({
      listSessions: async () => {
        throw new GapscopeError('permission-denied', 'Cannot read /data/sessions: permission denied.');
      },
    });
    const { commands } = bindSessions(b.api, store);
    await commands.refresh();
    expect(state()).toMatchObject({ listError: { code: 'permission-denied' }, recordError: null, list: null });
    state().setList([]);
    expect(state().listError).toBeNull();
  });

  it('changing the folder shows the sessions stored there', async () => {
    const b = fakeApi();
    const { commands } = bindSessions(b.api, store);
    await commands.refresh();
    expect(state().list).toHaveLength(1);
    expect(await commands.changeFolder('/elsewhere')).toBe(true);
    expect(state()).toMatchObject({ folder: '/elsewhere', list: [] });
    expect(b.calls).toContain('setSessionFolder /elsewhere');
  });

  it('opens a session in Reception, and says why when it cannot or an edit fails', async () => {
    let streams: { id: string }[] = [];
    const b = fakeApi({
      openSession: async () => streams,
      renameSession: async () => {
        throw new GapscopeError('invalid-argument', 'a name cannot be empty');
      },
    });
    const { commands } = bindSessions(b.api, store);
    await commands.refresh();
    expect(await commands.open('s0')).toBe(false);
    expect(state().actionError).toEqual({ code: 'not-found', message: '"s0" holds no measurements to show (it was cut short before its first save).' });
    streams = [{ id: 'st1' }];
    store.getState().showView('sessions');
    expect(await commands.open('s0')).toBe(true);
    expect(state().actionError).toBeNull();
    expect(store.getState()).toMatchObject({ view: 'reception', selectedId: 'st1' });
    expect(await commands.rename('s0', ' ')).toBe(false);
    expect(state().actionError).toEqual({ code: 'invalid-argument', message: 'a name cannot be empty' });
  });
});
