import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GapscopeApi } from '../../../shared/contract';
import type { RecordingState, SessionSummary } from '../../../shared/contract/sessions';
import { GapscopeError } from '../../../shared/errors';
import { captureDownloadUrl, parseSecondsRange } from './captureLink';
import { bindSessions, changeFolder, recordProblem, recordedPackets, refreshSessions, resetSessions, toggleRecording, useSessions } from './sessionsStore';

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

beforeEach(() => resetSessions());
afterEach(() => resetSessions());

describe('sessions store', () => {
  it('binds once however many components ask, loads the state, follows the events and unbinds with the last one', async () => {
    const b = fakeApi();
    const off1 = bindSessions(b.api);
    const off2 = bindSessions(b.api);
    await flush();
    expect(b.listenerCount()).toBe(2); // recordingState + sessionsChanged, once
    expect(b.calls.filter((c) => c === 'listSessions')).toHaveLength(1);
    expect(useSessions.getState()).toMatchObject({ recording: idle, folder: '/data/sessions', sessions: [{ id: 's0' }] });

    b.emit('recordingState', running);
    b.emit('sessionsChanged', [summary('s1'), summary('s0')]);
    expect(useSessions.getState().recording).toBe(running);
    expect(useSessions.getState().sessions!.map((s) => s.id)).toEqual(['s1', 's0']);

    off1();
    off1(); // a second call of the same unbinder changes nothing
    expect(b.listenerCount()).toBe(2);
    off2();
    expect(b.listenerCount()).toBe(0);
    b.emit('sessionsChanged', []);
    expect(useSessions.getState().sessions).toHaveLength(2);
  });

  it('Record starts, Record again stops; a failed click says why beside the button, not in the library', async () => {
    let fail = true;
    const b = fakeApi({
      startRecording: async () => {
        if (fail) throw new GapscopeError('invalid-argument', 'No stream is running: start one in Reception first, then record.');
        return running;
      },
    });
    await refreshSessions(b.api);
    await toggleRecording(b.api);
    expect(useSessions.getState()).toMatchObject({ busy: false, recording: idle, listError: null, recordError: { code: 'invalid-argument', message: expect.stringContaining('No stream is running') } });

    fail = false;
    const started = toggleRecording(b.api);
    expect(useSessions.getState().busy).toBe(true);
    await toggleRecording(b.api); // ignored while the first click is on its way
    await started;
    expect(useSessions.getState()).toMatchObject({ busy: false, recording: running, recordError: null });
    expect(recordedPackets(useSessions.getState().recording)).toEqual({ packets: 150, notRecorded: 4 });

    await toggleRecording(b.api);
    expect(b.calls.filter((c) => c === 'stopRecording')).toHaveLength(1);
    expect(useSessions.getState().recording).toBe(idle);
  });

  it('a recording the disk stopped says why beside the button until the next one starts', () => {
    const full = { code: 'internal' as const, message: 'Recording stopped: the disk holding /data/s1/capture.pcapng is full. What was recorded so far is kept.' };
    const b = fakeApi();
    bindSessions(b.api);
    b.emit('recordingState', running);
    expect(recordProblem(useSessions.getState())).toBeNull();
    b.emit('recordingState', { ...idle, sessionId: 's1', error: full });
    expect(recordProblem(useSessions.getState())).toEqual(full);
    b.emit('recordingState', { ...running, error: null });
    expect(recordProblem(useSessions.getState())).toBeNull();
    // A failed click is what the user did last: it is shown first.
    useSessions.getState().setRecordError({ code: 'invalid-argument', message: 'No stream is running.' });
    b.emit('recordingState', { ...idle, error: full });
    expect(recordProblem(useSessions.getState())?.message).toBe('No stream is running.');
  });

  it('a library that cannot be read shows its error until a list arrives', async () => {
    const b = fakeApi({
      listSessions: async () => {
        throw new GapscopeError('permission-denied', 'Cannot read /data/sessions: permission denied.');
      },
    });
    await refreshSessions(b.api);
    expect(useSessions.getState()).toMatchObject({ listError: { code: 'permission-denied' }, recordError: null, sessions: null });
    useSessions.getState().setSessions([]);
    expect(useSessions.getState().listError).toBeNull();
  });

  it('changing the folder shows the sessions stored there', async () => {
    const b = fakeApi();
    await refreshSessions(b.api);
    expect(useSessions.getState().sessions).toHaveLength(1);
    await changeFolder(b.api, '/elsewhere');
    expect(useSessions.getState()).toMatchObject({ folder: '/elsewhere', sessions: [] });
    expect(b.calls).toContain('setSessionFolder /elsewhere');
  });
});

describe('capture links', () => {
  it('point at the web route with the token, and a range in seconds', () => {
    expect(captureDownloadUrl('20261124-1', null, 'tok+/=')).toBe('/sessions/20261124-1/capture.pcapng?token=tok%2B%2F%3D');
    expect(captureDownloadUrl('20261124-1', { from: 1.5, to: 3 }, 't')).toBe('/sessions/20261124-1/capture.pcapng?from=1.5&to=3&token=t');
  });

  it('read the range form or say what is wrong', () => {
    expect(parseSecondsRange(' 1.5', '3 ', 10)).toEqual({ range: { from: 1.5, to: 3 } });
    expect(parseSecondsRange('-1', '3', 10)).toEqual({ error: 'From must be a number of seconds, e.g. 2.5' });
    expect(parseSecondsRange('1', 'end', 10)).toEqual({ error: 'To must be a number of seconds, e.g. 2.5' });
    expect(parseSecondsRange('4', '3', 10)).toEqual({ error: 'From must not be after To.' });
    expect(parseSecondsRange('12', '13', 10)).toEqual({ error: 'The session lasts 10.0 s: From is past its end.' });
  });
});
