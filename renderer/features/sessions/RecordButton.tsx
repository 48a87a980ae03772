/** The header's Record button: records every running stream into a new session, and stops it. */
import { useShallow } from 'zustand/react/shallow';
import { useFeature } from '../../app/api';
import { useApp } from '../../store/store';
import { formatCount } from '../../format';
import { recordProblem, recordedPackets } from './sessionsViewModel';
import './sessions.css';
import { errorSentence } from '../../app/errors';

/** Record / Stop, with the packets recorded so far and why a recording stopped by itself. */
export function RecordButton() {
  const { toggleRecording } = useFeature('sessions');
  const { recording, busy, recordError } = useApp(useShallow(({ sessions: s }) => ({ recording: s.recording, busy: s.busy, recordError: s.recordError })));
  const on = recording?.recording === true;
  const { packets, notRecorded } = recordedPackets(recording);
  const problem = recordProblem({ recording, recordError });
  const perStream = recording?.streams.map((s) => `${s.label}: ${s.packets} packets${s.notRecorded ? `, ${s.notRecorded} not recorded` : ''}`).join('\n') ?? '';
  return (
    <span className="record-control">
      <button
        type="button"
        className={`record${on ? ' recording' : ''}`}
        data-testid="record-button"
        data-recording={on ? 'true' : 'false'}
        aria-pressed={on}
        disabled={busy}
        title={on ? `Recording "${recording?.name ?? ''}" to ${recording?.file ?? ''}; click to stop` : 'Record every running stream to a new session (pcapng)'}
        onClick={() => void toggleRecording()}
      >
        {busy ? (on ? 'Stopping…' : 'Starting…') : on ? '■ Stop recording' : '● Record'}
      </button>
      {on ? (
        <span className="small muted record-progress" data-testid="record-progress" data-packets={packets} data-not-recorded={notRecorded} title={perStream} aria-live="polite">
          {formatCount(packets)} packets recorded
          {notRecorded > 0 ? <span className="record-behind"> · {formatCount(notRecorded)} not recorded (disk too slow)</span> : null}
        </span>
      ) : null}
      {problem ? (
        <span className="record-error small" role="alert" data-testid="record-error" data-code={problem.code} title={errorSentence(problem)}>
          {errorSentence(problem)}
        </span>
      ) : null}
    </span>
  );
}
