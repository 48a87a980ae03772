/** The chart colours of the current OS theme: recharts draws SVG attributes, which cannot read CSS variables. */
import { useMemo, useSyncExternalStore } from 'react';

/** Colours the charts use, read from the CSS variables of the active theme. */
export interface ChartColors {
  line: string;
  fill: string;
  gap: string;
  gapFocus: string;
  openGap: string;
  stall: string;
  grid: string;
  axis: string;
  selection: string;
  bar: string;
  loss: string;
  event: string;
}

const query = '(prefers-color-scheme: dark)';

function subscribe(onChange: () => void): () => void {
  const mq = window.matchMedia(query);
  mq.addEventListener('change', onChange);
  return () => mq.removeEventListener('change', onChange);
}

/** The chart colours, updated when the OS switches between light and dark. */
export function useChartColors(): ChartColors {
  const dark = useSyncExternalStore(subscribe, () => window.matchMedia(query).matches);
  return useMemo(() => {
    const css = getComputedStyle(document.documentElement);
    const v = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback;
    return {
      line: v('--chart-line', dark ? '#60a5fa' : '#2563eb'),
      fill: v('--chart-fill', dark ? '#1e3a8a' : '#bfdbfe'),
      gap: v('--gap', '#ef4444'),
      gapFocus: v('--gap-focus', '#f59e0b'),
      openGap: v('--open-gap', '#dc2626'),
      stall: v('--stall', '#a855f7'),
      grid: v('--grid', dark ? '#334155' : '#e2e8f0'),
      axis: v('--muted', dark ? '#94a3b8' : '#64748b'),
      selection: v('--selection', '#64748b'),
      bar: v('--bar', dark ? '#93c5fd' : '#3b82f6'),
      loss: v('--loss', dark ? '#fb923c' : '#c2410c'),
      event: v('--event', dark ? '#fbbf24' : '#b45309'),
    };
  }, [dark]);
}
