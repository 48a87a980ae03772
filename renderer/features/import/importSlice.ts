/** The Import tab's state: the capture path, its flows, the import options and progress, and the compare, kept by plain actions. */
import type { StateCreator } from 'zustand';
import type { StreamInfo } from '../../../shared/contract';
import type { CaptureCompare, CaptureFlowList, ImportProgress } from '../../../shared/contract/capture';
import type { SessionSummary } from '../../../shared/contract/sessions';
import type { ErrorInfo } from '../../../shared/errors';

/** What is reading a capture right now. */
export type Busy = 'list' | 'import' | 'compare-list' | 'compare' | null;

/** The form fields the user edits. */
export type ImportForm = Pick<ImportState, 'path' | 'flow' | 'decode' | 'binMs' | 'gapMs' | 'pathA' | 'pathB' | 'compareFlow' | 'compareFlowB' | 'compareDecode' | 'compareBinMs'>;

/** Where an error is shown: under the import card or under the compare card. */
export type ImportErrorPlace = 'error' | 'compareError';

/** Everything the Import tab knows. */
export interface ImportState {
  path: string;
  /** The flows of `listedPath`. */
  listed: CaptureFlowList | null;
  listedPath: string | null;
  flow: string | null;
  decode: string;
  binMs: number;
  /** Gap threshold in ms; empty means automatic. */
  gapMs: string;
  busy: Busy;
  progress: ImportProgress | null;
  error: ErrorInfo | null;
  imported: StreamInfo | null;

  pathA: string;
  pathB: string;
  /** Flows of A and of B, to pick the one compared on each side. */
  compareFlows: CaptureFlowList | null;
  compareFlowsB: CaptureFlowList | null;
  /** A's flow ('' = the only one); B's flow ('' = the same as A's). */
  compareFlow: string;
  compareFlowB: string;
  compareDecode: string;
  compareBinMs: number;
  compare: CaptureCompare | null;
  compareError: ErrorInfo | null;
  /** Recorded sessions, to take a capture from the library instead of typing its path. */
  sessions: SessionSummary[];

  set(change: Partial<ImportForm>): void;
  /** One reading at a time from this window, so the progress bar has one owner: false when one is on its way. */
  beginReading(busy: Exclude<Busy, null>): boolean;
  endReading(): void;
  setError(place: ImportErrorPlace, error: ErrorInfo | null): void;
  /** A file's flows came (or null: cleared for a new listing); one flow needs no choice, several wait for the user's. */
  setListed(path: string, listed: CaptureFlowList | null): void;
  setImported(info: StreamInfo | null): void;
  /** A's flows (its first one chosen) and B's; null clears them for a new listing. */
  setCompareFlows(a: CaptureFlowList | null, b: CaptureFlowList | null): void;
  setCompare(compare: CaptureCompare | null): void;
  setSessions(sessions: SessionSummary[]): void;
  /** Progress of this window's reading; another window's is not ours to show. */
  setProgress(progress: ImportProgress): void;
}

/** The Import part of the store. */
export interface ImportSlice {
  import: ImportState;
}

/** Creates the Import slice. */
export const createImportSlice: StateCreator<ImportSlice, [], [], ImportSlice> = (set, get) => {
  const patch = (change: Partial<ImportState>): void => set({ import: { ...get().import, ...change } });
  const s = () => get().import;
  return {
    import: {
      path: '',
      listed: null,
      listedPath: null,
      flow: null,
      decode: 'auto',
      binMs: 100,
      gapMs: '',
      busy: null,
      progress: null,
      error: null,
      imported: null,
      pathA: '',
      pathB: '',
      compareFlows: null,
      compareFlowsB: null,
      compareFlow: '',
      compareFlowB: '',
      compareDecode: 'auto',
      compareBinMs: 100,
      compare: null,
      compareError: null,
      sessions: [],
      set: (change) => patch(change),
      beginReading(busy) {
        if (s().busy) return false;
        patch({ busy, progress: null });
        return true;
      },
      endReading: () => patch({ busy: null }),
      setError: (place, error) => patch({ [place]: error }),
      setListed: (path, listed) => patch(listed ? { listed, listedPath: path, flow: listed.flows.length === 1 ? listed.flows[0]!.id : null } : { listed: null, listedPath: null, flow: null }),
      setImported: (imported) => patch({ imported }),
      setCompareFlows: (a, b) => patch({ compareFlows: a, compareFlowsB: b, compareFlow: a?.flows[0]?.id ?? '', ...(a ? {} : { compareFlowB: '' }) }),
      setCompare: (compare) => patch({ compare }),
      setSessions: (sessions) => patch({ sessions }),
      setProgress(progress) {
        if (s().busy) patch({ progress });
      },
    },
  };
};
