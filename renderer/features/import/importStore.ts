/** The Import tab's own state: the capture path, its flows, the import options and progress, and the compare; filled through the typed API. */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { ErrorInfo, GapscopeApi, StreamInfo } from '../../../shared/contract';
import type { CaptureCompare, CaptureFlowList, ImportProgress } from '../../../shared/contract/capture';
import type { SessionSummary } from '../../../shared/contract/sessions';
import { sessionCapturePath } from './importViewModel';

/** A request error as the view shows it. */
export function toErrorInfo(e: unknown): ErrorInfo {
  const x = e as { code?: string; message?: string };
  return { code: (x.code as ErrorInfo['code']) ?? 'internal', message: x.message ?? String(e) };
}

/** What is reading a capture right now. */
export type Busy = 'list' | 'import' | 'compare-list' | 'compare' | null;

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

  set(change: Partial<Pick<ImportState, 'path' | 'flow' | 'decode' | 'binMs' | 'gapMs' | 'pathA' | 'pathB' | 'compareFlow' | 'compareFlowB' | 'compareDecode' | 'compareBinMs'>>): void;
  listFlows(api: GapscopeApi): Promise<void>;
  importFlow(api: GapscopeApi): Promise<StreamInfo | null>;
  listCompareFlows(api: GapscopeApi): Promise<void>;
  runCompare(api: GapscopeApi): Promise<void>;
  cancel(api: GapscopeApi): Promise<void>;
  loadSessions(api: GapscopeApi): Promise<void>;
  /** Fills a path field with a recorded session's capture. */
  pickSession(api: GapscopeApi, sessionId: string, field: 'path' | 'pathA' | 'pathB'): Promise<void>;
  onProgress(p: ImportProgress): void;
}

/** Creates an Import store: one per window, a fresh one per test. */
export function createImportStore(): StoreApi<ImportState> {
  return createStore<ImportState>()((set, get) => {
    /** Runs one reading; only one at a time from this window, so the progress bar has one owner. */
    const run = async <T>(busy: Exclude<Busy, null>, work: () => Promise<T>, onError: (e: ErrorInfo) => void): Promise<T | null> => {
      if (get().busy) return null;
      set({ busy, progress: null });
      try {
        return await work();
      } catch (e) {
        onError(toErrorInfo(e));
        return null;
      } finally {
        set({ busy: null });
      }
    };
    return {
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

      set: (change) => set(change),
      async listFlows(api) {
        const path = get().path.trim();
        set({ error: null, listed: null, listedPath: null, flow: null, imported: null });
        await run(
          'list',
          async () => {
            const listed = await api.listCaptureFlows(path);
            // One flow needs no choice; several wait for the user's.
            set({ listed, listedPath: path, flow: listed.flows.length === 1 ? listed.flows[0]!.id : null });
          },
          (error) => set({ error }),
        );
      },
      async importFlow(api) {
        const { listedPath, flow, decode, binMs, gapMs } = get();
        if (!listedPath || !flow) return null;
        set({ error: null });
        const gap = gapMs.trim() === '' ? undefined : Number(gapMs);
        return run(
          'import',
          async () => {
            const info = await api.importCapture(listedPath, { flow, decode, binMs, gapMs: gap });
            set({ imported: info });
            return info;
          },
          (error) => set({ error }),
        );
      },
      async listCompareFlows(api) {
        const pathA = get().pathA.trim();
        const pathB = get().pathB.trim();
        set({ compareError: null, compareFlows: null, compareFlowsB: null, compareFlow: '', compareFlowB: '' });
        await run(
          'compare-list',
          async () => {
            const listed = await api.listCaptureFlows(pathA);
            set({ compareFlows: listed, compareFlow: listed.flows[0]?.id ?? '' });
            if (pathB) set({ compareFlowsB: await api.listCaptureFlows(pathB) });
          },
          (compareError) => set({ compareError }),
        );
      },
      async runCompare(api) {
        const { pathA, pathB, compareFlow, compareFlowB, compareDecode, compareBinMs } = get();
        set({ compareError: null, compare: null });
        await run(
          'compare',
          async () => {
            const compare = await api.compareCaptures(pathA.trim(), pathB.trim(), { flow: compareFlow || undefined, flowB: compareFlowB || undefined, decode: compareDecode, binMs: compareBinMs });
            set({ compare });
          },
          (compareError) => set({ compareError }),
        );
      },
      async cancel(api) {
        try {
          await api.cancelImport();
        } catch (e) {
          set({ error: toErrorInfo(e) });
        }
      },
      async loadSessions(api) {
        try {
          set({ sessions: await api.listSessions() });
        } catch {
          // No library (or not readable): the path fields still work.
          set({ sessions: [] });
        }
      },
      async pickSession(api, sessionId, field) {
        try {
          const [record, folder] = await Promise.all([api.getSession(sessionId), api.getSessionFolder()]);
          set({ [field]: sessionCapturePath(folder, record.id, record.capture) });
        } catch (e) {
          if (field === 'path') set({ error: toErrorInfo(e) });
          else set({ compareError: toErrorInfo(e) });
        }
      },
      onProgress(p) {
        // Progress of another window's reading is not ours to show.
        if (!get().busy) return;
        set({ progress: p });
      },
    };
  });
}

/** The window's Import store. */
export const importStore = createImportStore();

/** Selects from the Import store. */
export function useImport<T>(select: (s: ImportState) => T): T {
  return useStore(importStore, select);
}

/** Feeds progress events into the store; returns the unsubscribe. */
export function bindImportEvents(api: GapscopeApi, store: StoreApi<ImportState> = importStore): () => void {
  return api.on('importProgress', (p) => store.getState().onProgress(p));
}
