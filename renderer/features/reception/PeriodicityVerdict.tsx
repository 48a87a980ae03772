/** The answer to "is there a pattern in these gaps?", stated first because it is what users come for. */
import type { Periodicity } from '../../../shared/reception/types';
import { wifiVerdict } from '../../../shared/reception/wifiRhythm';
import { snoopingVerdict } from '../../../shared/reception/multicastSnooping';
import { formatBytes, formatDuration, formatPercent } from '../../format';
import { useThrottledApp } from './useThrottledApp';

const kindLabel: Record<Periodicity['kind'], string> = {
  bytes: 'Every N bytes',
  time: 'Every N seconds',
  none: 'No pattern',
};

/** Shows Periodicity.summary prominently, with the numbers it rests on. */
export function PeriodicityVerdict({ id }: { id: string }) {
  // The verdict changes with new gaps only; the back end resends it with every update.
  const p = useThrottledApp((s) => s.streams[id]?.reception.periodicity, 500, (a, b) => a === b || (!!a && !!b && a.summary === b.summary && a.gapsConsidered === b.gapsConsidered && a.kind === b.kind));
  // The Wi-Fi link's timing against the same gaps: the rhythm of its beacons, or power save turned off.
  const wifi = useThrottledApp((s) => {
    const st = s.streams[id];
    return st?.info.wifi ? wifiVerdict(st.reception.periodicity, st.reception.gaps, st.info.wifi, st.reception.nowMs) : null;
  }, 500, (a, b) => a?.summary === b?.summary);
  // A multicast stream: silences from a few minutes after the join, against the querier the wire heard.
  const snooping = useThrottledApp((s) => {
    const st = s.streams[id];
    return st ? snoopingVerdict({ multicast: st.info.kind === 'multicast', gaps: st.reception.gaps, openGap: st.reception.openGap, queries: st.info.wire?.querier, nowMs: st.reception.nowMs }) : null;
  }, 500, (a, b) => a?.summary === b?.summary);
  if (!p) return null;
  const facts: string[] = [];
  if (p.everyBytes !== null) facts.push(`gaps every ~${formatBytes(p.everyBytes)}${p.bytesSpread !== null ? ` (spread ${formatPercent(p.bytesSpread)})` : ''}`);
  if (p.everyMs !== null) facts.push(`every ~${formatDuration(p.everyMs)}${p.timeSpread !== null ? ` (spread ${formatPercent(p.timeSpread)})` : ''}`);
  facts.push(`${p.gapsConsidered} gap${p.gapsConsidered === 1 ? '' : 's'} considered`);
  return (
    <section className={`card verdict ${p.kind}`} data-testid="periodicity" data-kind={p.kind} aria-label="Periodicity verdict">
      <span className="verdict-kind">{kindLabel[p.kind]}</span>
      <p className="verdict-summary">{p.summary}</p>
      <p className="verdict-facts">{facts.join(' · ')}</p>
      {snooping && (
        <p className="verdict-wifi" data-testid="snooping-verdict" data-kind={snooping.kind}>
          {snooping.summary}
        </p>
      )}
      {wifi && (
        <p className="verdict-wifi" data-testid="wifi-verdict" data-kind={wifi.kind}>
          {wifi.summary}
        </p>
      )}
    </section>
  );
}
