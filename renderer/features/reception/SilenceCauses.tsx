/** "Why nothing arrives": for a stream that has heard nothing, what on this machine may be in the way (Local Network privacy, Windows Firewall, a Public network) and where to change it. */
import { useEffect, useState } from 'react';
import type { SilenceCause } from '../../../shared/network/windowsFirewall';
import type { ErrorInfo } from '../../../shared/errors';
import { useFeature } from '../../app/api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { appStore } from '../../store/store';
import { silenceQuestion } from './silence';
import { useThrottledApp } from './useThrottledApp';

/** Asks once, when the stream has been silent long enough, and shows the causes the back end names. */
export function SilenceCauses({ id }: { id: string }) {
  const { silenceCauses, allowInFirewall } = useFeature('network');
  const [refusal, setRefusal] = useState<ErrorInfo | null>(null);
  const [asking, setAsking] = useState(false);
  const allow = async (): Promise<void> => {
    const e = appStore.getState().streams[id];
    const question = e ? silenceQuestion(e.info, e.reception.totals.packets, e.reception.nowMs) : null;
    if (!question) return;
    setAsking(true);
    setRefusal(null);
    const outcome = await allowInFirewall(question);
    setAsking(false);
    if ('causes' in outcome) setCauses(outcome.causes);
    else setRefusal(outcome.error);
  };
  const silent = useThrottledApp((s) => {
    const e = s.streams[id];
    return e ? silenceQuestion(e.info, e.reception.totals.packets, e.reception.nowMs) !== null : false;
  }, 1000);
  const [causes, setCauses] = useState<SilenceCause[]>([]);
  useEffect(() => {
    if (!silent) {
      setCauses([]);
      return;
    }
    const e = appStore.getState().streams[id];
    const question = e ? silenceQuestion(e.info, e.reception.totals.packets, e.reception.nowMs) : null;
    if (!question) return;
    let live = true;
    void silenceCauses(question).then((found) => {
      if (live) setCauses(found);
    });
    return () => {
      live = false;
    };
  }, [silent, id, silenceCauses]);
  if (causes.length === 0) return null;
  return (
    <section className="warning silence-causes" role="status" data-testid="silence-causes">
      <strong>Why nothing arrives</strong>
      <ul>
        {causes.map((c) => (
          <li key={c.code} data-code={c.code}>
            {c.text} <span className="muted">{c.fix}</span>
            {c.code === 'firewall-no-rule' ? (
              <button type="button" className="small-button" disabled={asking} onClick={() => void allow()} data-testid="allow-in-firewall">
                Allow Gapscope (asks for an administrator)
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {refusal ? <ErrorMessage error={refusal} testId="allow-in-firewall-error" /> : null}
    </section>
  );
}
