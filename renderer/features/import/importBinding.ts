/**
 * Where the back end's import progress enters the store (outside React), and the tab's requests:
 * list a capture's flows, import one into Reception, compare two captures, take a recorded
 * session's capture. The library is read each time the tab is shown.
 */
import type { GapscopeApi, StreamInfo } from '../../../shared/contract';
import { refusalOf } from '../../app/errors';
import { whileShown, type AppStore } from '../../store/store';
import type { Busy, ImportErrorPlace } from './importSlice';
import { importedChartView, sessionCapturePath } from './importViewModel';

/** What the Import tab can ask the back end; each reads its form from the store. */
export interface ImportCommands {
  listFlows(): Promise<void>;
  /** Imports the chosen flow and shows it in Reception; the stream, or null when it could not. */
  importFlow(): Promise<StreamInfo | null>;
  listCompareFlows(): Promise<void>;
  runCompare(): Promise<void>;
  cancel(): Promise<void>;
  loadSessions(): Promise<void>;
  /** Fills a path field with a recorded session's capture. */
  pickSession(sessionId: string, field: 'path' | 'pathA' | 'pathB'): Promise<void>;
}

/** Binds the Import feature to the store; returns its commands and the function that unbinds. */
export function bindImport(api: GapscopeApi, store: AppStore): { commands: ImportCommands; dispose(): void } {
  const imp = () => store.getState().import;
  /** Runs one reading, its error shown at `place`; null when it failed or another reading was on its way. */
  const read = async <T>(busy: Exclude<Busy, null>, place: ImportErrorPlace, work: () => Promise<T>): Promise<T | null> => {
    if (!imp().beginReading(busy)) return null;
    try {
      return await work();
    } catch (e) {
      imp().setError(place, refusalOf(e));
      return null;
    } finally {
      imp().endReading();
    }
  };

  const commands: ImportCommands = {
    async listFlows() {
      const path = imp().path.trim();
      imp().setError('error', null);
      imp().setListed(path, null);
      imp().setImported(null);
      await read('list', 'error', async () => imp().setListed(path, await api.listCaptureFlows(path)));
    },
    async importFlow() {
      const { listedPath, flow, decode, binMs, gapMs } = imp();
      if (!listedPath || !flow) return null;
      imp().setError('error', null);
      const info = await read('import', 'error', () => api.importCapture(listedPath, { flow, decode, binMs, gapMs: gapMs.trim() === '' ? undefined : Number(gapMs) }));
      if (!info) return null;
      imp().setImported(info);
      const app = store.getState();
      const f = imp().listed?.flows.find((x) => x.id === flow);
      // A capture is not live: the chart starts on the imported packets rather than on the last minute.
      if (f) app.setChartView(info.id, importedChartView(f.firstMs - info.startedAt, f.lastMs - info.startedAt, info.config.binMs));
      app.showView('reception');
      app.selectStream(info.id);
      return info;
    },
    async listCompareFlows() {
      const pathA = imp().pathA.trim();
      const pathB = imp().pathB.trim();
      imp().setError('compareError', null);
      imp().setCompareFlows(null, null);
      await read('compare-list', 'compareError', async () => {
        const a = await api.listCaptureFlows(pathA);
        imp().setCompareFlows(a, null);
        if (pathB) imp().setCompareFlows(a, await api.listCaptureFlows(pathB));
      });
    },
    async runCompare() {
      const { pathA, pathB, compareFlow, compareFlowB, compareDecode, compareBinMs } = imp();
      imp().setError('compareError', null);
      imp().setCompare(null);
      await read('compare', 'compareError', async () =>
        imp().setCompare(await api.compareCaptures(pathA.trim(), pathB.trim(), { flow: compareFlow || undefined, flowB: compareFlowB || undefined, decode: compareDecode, binMs: compareBinMs })),
      );
    },
    async cancel() {
      try {
        await api.cancelImport();
      } catch (e) {
        imp().setError('error', refusalOf(e));
      }
    },
    async loadSessions() {
      try {
        imp().setSessions(await api.listSessions());
      } catch {
        // No library (or not readable): the path fields still work.
        imp().setSessions([]);
      }
    },
    async pickSession(sessionId, field) {
      try {
        const [record, folder] = await Promise.all([api.getSession(sessionId), api.getSessionFolder()]);
        imp().set({ [field]: sessionCapturePath(folder, record.id, record.capture) });
      } catch (e) {
        imp().setError(field === 'path' ? 'error' : 'compareError', refusalOf(e));
      }
    },
  };

  const offs = [api.on('importProgress', (p) => imp().setProgress(p)), whileShown(store, 'import', () => void commands.loadSessions())];
  return {
    commands,
    dispose() {
      for (const off of offs) off();
    },
  };
}
