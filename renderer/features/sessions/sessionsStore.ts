/**
 * The Sessions tab's and the Record button's state: the recording under way and the library,
 * kept current by the back end's recordingState and sessionsChanged events (bound once, outside React).
 */
import { create } from 'zustand';
import type { ErrorInfo, GapscopeApi } from '../../../shared/contract';
import type { RecordingState, SessionSummary } from '../../../shared/contract/sessions';

/** What the Sessions tab and the Record button show. */
export interface SessionsState {
  recording: RecordingState | null;
  sessions: SessionSummary[] | null;
  folder: string | null;
  /** A start or stop request is on its way. */
  busy: boolean;
  /** Why the last Record/Stop click failed (e.g. no stream runs); shown beside the button. */
  recordError: ErrorInfo | null;
  /** Why the library could not be read; shown in the Sessions tab. */
  listError: ErrorInfo | null;
  setRecording(r: RecordingState): void;
  setSessions(s: SessionSummary[]): void;
  setFolder(f: string): void;
  setBusy(b: boolean): void;
  setRecordError(e: ErrorInfo | null): void;
  setListError(e: ErrorInfo | null): void;
}

const initial = { recording: null, sessions: null, folder: null, busy: false, recordError: null, listError: null } as const;

/** The one sessions store of the window. */
export const useSessions = create<SessionsState>()((set) => ({
  ...initial,
  setRecording: (recording) => set({ recording }),
  // A list that arrives proves the library is readable again.
  setSessions: (sessions) => set({ sessions, listError: null }),
  setFolder: (folder) => set({ folder }),
  setBusy: (busy) => set({ busy }),
  setRecordError: (recordError) => set({ recordError }),
  setListError: (listError) => set({ listError }),
}));

/** Back to the state of a window that just opened (tests, and a back end that changed). */
export function resetSessions(): void {
  bound?.off();
  bound = null;
  useSessions.setState({ ...initial });
}

/** An error from a request, as ErrorInfo. */
export function toErrorInfo(e: unknown): ErrorInfo {
  const x = e as { code?: unknown; message?: unknown };
  return { code: typeof x?.code === 'string' ? (x.code as ErrorInfo['code']) : 'internal', message: typeof x?.message === 'string' ? x.message : String(e) };
}

/** Packets recorded so far, and those the disk could not keep up with, over every stream. */
export function recordedPackets(r: RecordingState | null): { packets: number; notRecorded: number } {
  let packets = 0;
  let notRecorded = 0;
  for (const s of r?.streams ?? []) {
    packets += s.packets;
    notRecorded += s.notRecorded;
  }
  return { packets, notRecorded };
}

/** What to say beside the Record button: a click that failed, else why the last recording stopped by itself (full disk, permission). */
export function recordProblem(s: Pick<SessionsState, 'recording' | 'recordError'>): ErrorInfo | null {
  if (s.recordError) return s.recordError;
  return s.recording && !s.recording.recording ? s.recording.error : null;
}

let bound: { api: GapscopeApi; count: number; off: () => void } | null = null;

/**
 * Subscribes the store to the back end's session events (once per API, however many components
 * ask) and loads the current state; returns the unbinding function.
 */
export function bindSessions(api: GapscopeApi): () => void {
  if (bound && bound.api === api) {
    bound.count += 1;
  } else {
    bound?.off();
    const s = useSessions.getState();
    const offs = [api.on('recordingState', (r) => s.setRecording(r)), api.on('sessionsChanged', (list) => s.setSessions(list))];
    bound = { api, count: 1, off: () => offs.forEach((o) => o()) };
    void refreshSessions(api);
  }
  const mine = bound;
  let done = false;
  return () => {
    if (done || bound !== mine) return;
    done = true;
    mine.count -= 1;
    if (mine.count === 0) {
      mine.off();
      bound = null;
    }
  };
}

/** Reloads the recording state, the list and the folder. */
export async function refreshSessions(api: GapscopeApi): Promise<void> {
  const s = useSessions.getState();
  try {
    const [recording, sessions, folder] = await Promise.all([api.getRecordingState(), api.listSessions(), api.getSessionFolder()]);
    s.setRecording(recording);
    s.setSessions(sessions);
    s.setFolder(folder);
  } catch (e) {
    s.setListError(toErrorInfo(e));
  }
}

/** Starts recording every running stream, or stops the recording under way. */
export async function toggleRecording(api: GapscopeApi): Promise<void> {
  const s = useSessions.getState();
  if (s.busy) return;
  s.setBusy(true);
  s.setRecordError(null);
  try {
    s.setRecording(useSessions.getState().recording?.recording ? await api.stopRecording() : await api.startRecording());
  } catch (e) {
    s.setRecordError(toErrorInfo(e));
  } finally {
    s.setBusy(false);
  }
}

/** Changes the sessions folder and shows the sessions stored there. */
export async function changeFolder(api: GapscopeApi, folder: string): Promise<void> {
  const s = useSessions.getState();
  s.setFolder(await api.setSessionFolder(folder));
  await refreshSessions(api);
}
