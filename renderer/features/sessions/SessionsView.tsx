/** The Sessions tab: past recordings with their date, streams, duration, packets, gaps and status; rename, notes, open, download, delete. */
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ErrorInfo } from '../../../shared/errors';
import type { SessionSummary } from '../../../shared/contract/sessions';
import { useFeature } from '../../app/api';
import { ChoosePathButton } from '../../components/ChoosePathButton';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatBytes, formatCount, formatDateTime, formatDuration } from '../../format';
import { useApp } from '../../store/store';
import { webToken } from '../../api/transport';
import { captureDownloadUrl, parseSecondsRange } from './captureLink';
import './sessions.css';
import { errorSentence } from '../../app/errors';

/** The Sessions tab's content. */
export function SessionsView() {
  const { sessions, listError, actionError } = useApp(useShallow(({ sessions: s }) => ({ sessions: s.list, listError: s.listError, actionError: s.actionError })));
  return (
    <section className="card" data-testid="sessions-view">
      <div className="card-head">
        <h2>Sessions</h2>
        <span className="muted small">Recorded with ● Record: a pcapng capture and session.json per session.</span>
      </div>
      <FolderSetting />
      {listError ? <ErrorMessage error={listError} testId="sessions-error" /> : null}
      {actionError ? <ErrorMessage error={actionError} testId="session-action-error" /> : null}
      {sessions === null ? (
        <p className="muted">Loading…</p>
      ) : sessions.length === 0 ? (
        <p className="muted empty-state sessions-empty" data-testid="sessions-empty">
          No sessions yet. Start a stream in Reception, then press ● Record.
        </p>
      ) : (
        <div className="table-scroll sessions-scroll">
          <table className="sessions-table" data-testid="sessions-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Date</th>
                <th>Streams</th>
                <th>Duration</th>
                <th>Packets</th>
                <th>Gaps</th>
                <th>Status</th>
                <th>Size</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {sessions.map((s) => (
                <SessionRow key={s.id} session={s} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

const STATUS_HINT: Record<SessionSummary['status'], string> = {
  recording: 'Being recorded now',
  complete: 'Stopped normally; the capture and session.json are complete',
  failed: 'Stopped by an error (full disk, permission); what was written is kept',
  interrupted: 'Cut short (the app was closed or killed); the capture holds every packet up to its last flush',
};

function FolderSetting() {
  const { changeFolder } = useFeature('sessions');
  const folder = useApp((s) => s.sessions.folder);
  const [text, setText] = useState('');
  useEffect(() => setText(folder ?? ''), [folder]);
  const save = (e: React.FormEvent) => {
    e.preventDefault();
    void changeFolder(text.trim());
  };
  return (
    <form className="folder-form small" onSubmit={save}>
      <label htmlFor="session-folder">Stored in</label>
      <input id="session-folder" className="mono" value={text} onChange={(e) => setText(e.target.value)} data-testid="session-folder-input" spellCheck={false} />
      <button type="submit" className="small-button" disabled={!text || text === folder} data-testid="session-folder-save">
        Change folder
      </button>
      <ChoosePathButton
        request={folder ? { purpose: 'session-folder', startIn: folder } : { purpose: 'session-folder' }}
        onChosen={(path) => {
          setText(path);
          void changeFolder(path);
        }}
        testId="session-folder-choose"
      />
    </form>
  );
}

function SessionRow({ session: s }: { session: SessionSummary }) {
  const commands = useFeature('sessions');
  const [editing, setEditing] = useState<'name' | 'notes' | 'delete' | 'download' | null>(null);
  const [name, setName] = useState(s.name);
  const [notes, setNotes] = useState(s.notes);
  const open = () => void commands.open(s.id);
  const rename = (e: React.FormEvent) => {
    e.preventDefault();
    void commands.rename(s.id, name).then((ok) => ok && setEditing(null));
  };
  const saveNotes = (e: React.FormEvent) => {
    e.preventDefault();
    void commands.annotate(s.id, notes).then((ok) => ok && setEditing(null));
  };
  return (
    <>
      <tr data-testid="session-row" data-id={s.id} data-status={s.status} data-packets={s.packets} data-gaps={s.gaps}>
        <td className="session-name-cell">
          {editing === 'name' ? (
            <form className="inline" onSubmit={rename}>
              <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} autoFocus data-testid="session-name-input" aria-label="Session name" />
              <button type="submit" className="small-button" data-testid="session-name-save">
                Save
              </button>
              <button type="button" className="small-button" onClick={() => setEditing(null)}>
                Cancel
              </button>
            </form>
          ) : (
            <span data-testid="session-name">{s.name}</span>
          )}
          {s.notes && editing !== 'notes' ? <div className="small muted" data-testid="session-notes">{s.notes}</div> : null}
        </td>
        <td className="small">{formatDateTime(s.created)}</td>
        <td className="small">
          {s.streams.map((line) => (
            <div key={line}>{line}</div>
          ))}
        </td>
        <td className="num">{formatDuration(s.durationMs)}</td>
        <td className="num">{formatCount(s.packets)}</td>
        <td className="num">{formatCount(s.gaps)}</td>
        <td className="session-status-cell">
          <span className={`session-badge ${s.status}`} data-testid="session-status" title={STATUS_HINT[s.status]}>
            {s.status}
          </span>
          {s.error && s.status !== 'complete' ? (
            <div className="small muted" data-testid="session-status-reason">
              {errorSentence(s.error)}
            </div>
          ) : null}
        </td>
        <td className="num">{formatBytes(s.captureBytes)}</td>
        <td>
          <div className="session-actions">
            <button type="button" className="small-button" onClick={open} data-testid="session-open" disabled={s.status === 'recording'}>
              Open
            </button>
            <button
              type="button"
              className="small-button"
              onClick={() => {
                setName(s.name);
                setEditing('name');
              }}
              data-testid="session-rename"
            >
              Rename
            </button>
            <button
              type="button"
              className="small-button"
              onClick={() => {
                setNotes(s.notes);
                setEditing('notes');
              }}
              data-testid="session-annotate"
            >
              Notes
            </button>
            <button type="button" className="small-button" onClick={() => setEditing(editing === 'download' ? null : 'download')} aria-expanded={editing === 'download'} data-testid="session-download" disabled={s.status === 'recording'}>
              Download…
            </button>
            {editing === 'delete' ? (
              <span className="inline" role="group" aria-label="Confirm deletion">
                <span className="small">Delete "{s.name}" and its capture? This cannot be undone.</span>
                <button type="button" className="small-button" onClick={() => void commands.remove(s.id)} data-testid="session-delete-confirm">
                  Delete
                </button>
                <button type="button" className="small-button" onClick={() => setEditing(null)} data-testid="session-delete-cancel">
                  Keep
                </button>
              </span>
            ) : (
              <button type="button" className="small-button" onClick={() => setEditing('delete')} data-testid="session-delete" disabled={s.status === 'recording'}>
                Delete…
              </button>
            )}
          </div>
        </td>
      </tr>
      {editing === 'notes' ? (
        <tr>
          <td colSpan={9} className="session-notes">
            <form onSubmit={saveNotes}>
              <textarea value={notes} onChange={(e) => setNotes(e.target.value)} maxLength={20_000} autoFocus data-testid="session-notes-input" aria-label="Session notes" />
              <button type="submit" className="small-button" data-testid="session-notes-save">
                Save notes
              </button>
              <button type="button" className="small-button" onClick={() => setEditing(null)}>
                Cancel
              </button>
            </form>
          </td>
        </tr>
      ) : null}
      {editing === 'download' ? (
        <tr>
          <td colSpan={9}>
            <CaptureDownload session={s} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

/** The capture of a session, whole or a time range: links the web mode serves (see electron/web/webServer.ts). */
function CaptureDownload({ session: s }: { session: SessionSummary }) {
  const folder = useApp((x) => x.sessions.folder);
  const durationS = Math.max(0, s.durationMs / 1000);
  const [from, setFrom] = useState('0');
  const [to, setTo] = useState(String(Math.ceil(durationS)));
  if (window.gapscopeBridge) return <CaptureSave session={s} folder={folder} />;
  const token = webToken() ?? '';
  const parsed = parseSecondsRange(from, to, durationS);
  return (
    <div className="capture-download small" data-testid="session-download-panel">
      <a className="small-button" href={captureDownloadUrl(s.id, null, token)} download data-testid="session-download-whole">
        Whole capture (.pcapng, {formatBytes(s.captureBytes)})
      </a>
      <span className="range-form" role="group" aria-label="Time range to download">
        <label>
          from <input className="narrow" value={from} onChange={(e) => setFrom(e.target.value)} inputMode="decimal" data-testid="session-range-from" />
        </label>
        <label>
          to <input className="narrow" value={to} onChange={(e) => setTo(e.target.value)} inputMode="decimal" data-testid="session-range-to" />
        </label>
        <span className="muted">s after the first packet</span>
        {'range' in parsed ? (
          <a className="small-button" href={captureDownloadUrl(s.id, parsed.range, token)} download data-testid="session-download-range">
            Download range (.pcapng)
          </a>
        ) : (
          <span className="field-error" role="alert" data-testid="session-range-error">
            {parsed.error}
          </span>
        )}
      </span>
    </div>
  );
}

/**
 * The desktop window's download: it has no web server to stream from, so the back end saves the
 * capture (whole or a range) to a path the user types, with saveSessionCapture.
 */
function CaptureSave({ session: s, folder }: { session: SessionSummary; folder: string | null }) {
  const { saveCapture } = useFeature('sessions');
  const durationS = Math.max(0, s.durationMs / 1000);
  const [path, setPath] = useState(folder ? `${folder}/${s.id}-copy.pcapng` : '');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: string } | { error: ErrorInfo } | null>(null);
  const whole = from.trim() === '' && to.trim() === '';
  const parsed = whole ? null : parseSecondsRange(from.trim() || '0', to.trim() || String(Math.ceil(durationS)), durationS);
  const save = async (): Promise<void> => {
    if (parsed && 'error' in parsed) return;
    setBusy(true);
    setResult(null);
    const outcome = await saveCapture(s.id, parsed ? { fromS: parsed.range.from, toS: parsed.range.to } : null, path.trim());
    if ('saved' in outcome) {
      const r = outcome.saved;
      setResult({ ok: `Saved ${r.packets === null ? 'the whole capture' : `${formatCount(r.packets)} packets`} (${formatBytes(r.bytes)}) to ${r.file}.` });
    } else setResult(outcome);
    setBusy(false);
  };
  return (
    <div className="capture-download small" data-testid="session-save-panel">
      <label>
        Save to <input className="wide" value={path} onChange={(e) => setPath(e.target.value)} placeholder="/path/to/file.pcapng" data-testid="session-save-path" />
      </label>
      <ChoosePathButton request={{ purpose: 'save-capture', suggestedName: `${s.id}-copy.pcapng`, ...(folder ? { startIn: folder } : {}) }} onChosen={setPath} testId="session-save-choose" />
      <span className="range-form" role="group" aria-label="Time range to save (empty: the whole capture)">
        <label>
          from <input className="narrow" value={from} onChange={(e) => setFrom(e.target.value)} inputMode="decimal" placeholder="0" />
        </label>
        <label>
          to <input className="narrow" value={to} onChange={(e) => setTo(e.target.value)} inputMode="decimal" placeholder="end" />
        </label>
        <span className="muted">s after the first packet (empty: the whole capture)</span>
      </span>
      <button type="button" className="small-button" disabled={busy || path.trim() === '' || (parsed !== null && 'error' in parsed)} onClick={() => void save()} data-testid="session-save">
        Save .pcapng
      </button>
      {parsed && 'error' in parsed ? <span className="field-error" role="alert">{parsed.error}</span> : null}
      {result && 'ok' in result ? <span role="status">{result.ok}</span> : null}
      {result && 'error' in result ? <ErrorMessage error={result.error} testId="session-save-error" /> : null}
      <p className="muted">The capture itself is {folder ? <span className="mono">{`${folder}/${s.id}/capture.pcapng`}</span> : 'in the sessions folder'}; Wireshark opens it there too.</p>
    </div>
  );
}
