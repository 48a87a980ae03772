/** Export one stream as QA attaches it to a bug: an HTML report, the JSON report, CSVs, the chart. */
import { useState } from 'react';
import { downloadFile, svgToPng } from '../../app/download';
import { appStore } from '../../store/store';
import { EXPORT_CHOICES, exportStream, type ExportKind } from './exportStream';

/** A menu of export formats for the stream `id`. */
export function ExportMenu({ id }: { id: string }) {
  const [error, setError] = useState<string | null>(null);
  const run = async (kind: ExportKind, menu: HTMLDetailsElement | null) => {
    setError(null);
    const s = appStore.getState();
    const entry = s.streams[id];
    if (!entry) return;
    try {
      const file = exportStream(kind, entry.info, entry.reception, s.timeline, s.appInfo, Date.now());
      if (kind === 'png') downloadFile(file.name, await svgToPng(file.text), 'image/png');
      else downloadFile(file.name, file.text, file.mime);
      if (menu) menu.open = false;
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <details className="menu export-menu" data-testid="export-menu">
      <summary>Export</summary>
      <div className="menu-panel" role="menu">
        {EXPORT_CHOICES.map((c) => (
          <button key={c.kind} type="button" role="menuitem" className="menu-item" data-testid={`export-${c.kind}`} onClick={(e) => void run(c.kind, e.currentTarget.closest('details'))}>
            {c.label}
          </button>
        ))}
        {error ? (
          <p className="field-error" role="alert">
            {error}
          </p>
        ) : null}
      </div>
    </details>
  );
}
