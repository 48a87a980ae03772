/** The desktop window's "Choose…" beside a typed path: the system's dialog fills the field; web mode shows nothing (the path is typed). */
import { useState } from 'react';
import type { ChoosePathRequest, ErrorInfo } from '../../shared/contract';
import { useFeature } from '../app/api';
import { refusalOf } from '../app/errors';
import { useApp } from '../store/store';
import { ErrorMessage } from './ErrorMessage';

/** A button that shows the Open or Save dialog for `request` and hands the path chosen to `onChosen`. */
export function ChoosePathButton({ request, onChosen, testId, label = 'Choose…' }: { request: ChoosePathRequest; onChosen: (path: string) => void; testId: string; label?: string }) {
  const { choosePath } = useFeature('app');
  const desktop = useApp((s) => s.appInfo?.mode === 'desktop');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  if (!desktop) return null;
  const choose = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const path = await choosePath(request);
      if (path !== null) onChosen(path);
    } catch (err) {
      setError(refusalOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className="small-button" disabled={busy} onClick={() => void choose()} data-testid={testId}>
        {label}
      </button>
      {error ? <ErrorMessage error={error} testId={`${testId}-error`} /> : null}
    </>
  );
}
