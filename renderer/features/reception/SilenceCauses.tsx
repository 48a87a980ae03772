/** "Why nothing arrives": for a stream that has heard nothing, what on this machine may be in the way (Local Network privacy, Windows Firewall, a Public network) and where to change it. */
import { useEffect, useState } from 'react';
import type { SilenceCause } from '../../../shared/network/windowsFirewall';
import { useFeature } from '../../app/api';
import { appStore } from '../../store/store';
import { silenceQuestion } from './silence';
import { useThrottledApp } from './useThrottledApp';

/** Asks once, when the stream has been silent long enough, and shows the causes the back end names. */
export function SilenceCauses({ id }: { id: string }) {
  const { silenceCauses } = useFeature('network');
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
          </li>
        ))}
      </ul>
    </section>
  );
}
