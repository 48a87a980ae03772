/** The Sessions tab's and the Record button's state: the recording under way and the library, kept by plain actions. */
import type { StateCreator } from 'zustand';
import type { RecordingState, SessionSummary } from '../../../shared/contract/sessions';
import type { ErrorInfo } from '../../../shared/errors';

/** What the Sessions tab and the Record button show. */
export interface SessionsState {
  recording: RecordingState | null;
  /** The library, newest first; null until read. */
  list: SessionSummary[] | null;
  folder: string | null;
  /** A start or stop request is on its way. */
  busy: boolean;
  /** Why the last Record/Stop click failed (e.g. no stream runs); shown beside the button. */
  recordError: ErrorInfo | null;
  /** Why the library could not be read; shown in the Sessions tab. */
  listError: ErrorInfo | null;
  /** Why the last rename, note, delete, open or folder change failed; shown in the Sessions tab. */
  actionError: ErrorInfo | null;
  setRecording(r: RecordingState): void;
  setList(list: SessionSummary[]): void;
  setFolder(folder: string): void;
  setBusy(busy: boolean): void;
  setRecordError(error: ErrorInfo | null): void;
  setListError(error: ErrorInfo | null): void;
  setActionError(error: ErrorInfo | null): void;
}

/** The Sessions part of the store. */
export interface SessionsSlice {
  sessions: SessionsState;
}

/** Creates the Sessions slice. */
export const createSessionsSlice: StateCreator<SessionsSlice, [], [], SessionsSlice> = (set, get) => {
  const patch = (change: Partial<SessionsState>): void => set({ sessions: { ...get().sessions, ...change } });
  return {
    sessions: {
      recording: null,
      list: null,
      folder: null,
      busy: false,
      recordError: null,
      listError: null,
      actionError: null,
      setRecording: (recording) => patch({ recording }),
      // A list that arrives proves the library is readable again.
      setList: (list) => patch({ list, listError: null }),
      setFolder: (folder) => patch({ folder }),
      setBusy: (busy) => patch({ busy }),
      setRecordError: (recordError) => patch({ recordError }),
      setListError: (listError) => patch({ listError }),
      setActionError: (actionError) => patch({ actionError }),
    },
  };
};
