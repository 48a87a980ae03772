/** Export one stream as QA attaches it to a bug: an HTML report, the JSON report, CSVs, the chart; built off the page's thread, with its progress shown. */
import { useState } from 'react';
import { downloadFile, svgToPng } from '../../app/download';
import { appStore } from '../../store/store';
import { runExport } from './exportRunner';
import { EXPORT_CHOICES, EXPORT_STAGE_TEXT, exportInput, type ExportKind, type ExportStage } from './exportStream';

/** The export under way: what it makes and the step it is at. */
interface Running {
  kind: ExportKind;
  stage: ExportStage | null;
}

/** A menu of export formats for the stream `id`. */
export function ExportMenu({ id }: { id: string }) {
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState<Running | null>(null);
  const run = async (kind: ExportKind, menu: HTMLDetailsElement | null) => {
    if (running) return;
    setError(null);
    const s = appStore.getState();
    const entry = s.streams[id];
    if (!entry) return;
    setRunning({ kind, stage: null });
    const stage = (st: ExportStage) => setRunning((r) => (r ? { ...r, stage: st } : r));
    try {
      const result = await runExport(kind, exportInput(entry.info, entry.reception, s.timeline, s.appInfo, Date.now(), kind), stage);
      if (result.svg !== null) {
        stage('image');
        downloadFile(result.name, await svgToPng(result.svg), 'image/png');
      } else downloadFile(result.name, result.blob, result.mime);
      if (menu) menu.open = false;
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setRunning(null);
    }
  };
  const label = running ? (EXPORT_CHOICES.find((c) => c.kind === running.kind)?.label ?? running.kind) : '';
  return (
    <details className="menu export-menu" data-testid="export-menu" data-busy={running ? 'true' : 'false'}>
      <summary>{running ? 'Exporting…' : 'Export'}</summary>
      <div className="menu-panel" role="menu" aria-busy={running !== null}>
        {EXPORT_CHOICES.map((c) => (
          <button key={c.kind} type="button" role="menuitem" className="menu-item" data-testid={`export-${c.kind}`} disabled={running !== null} onClick={(e) => void run(c.kind, e.currentTarget.closest('details'))}>
            {c.label}
          </button>
        ))}
        {running ? (
          <p className="muted small" role="status" data-testid="export-progress" data-stage={running.stage ?? 'starting'}>
            <progress aria-label={`Exporting ${label}`} /> {label}: {running.stage ? EXPORT_STAGE_TEXT[running.stage] : 'starting'}…
          </p>
        ) : null}
        {error ? (
          <p className="field-error" role="alert">
            {error}
          </p>
        ) : null}
      </div>
    </details>
  );
}
