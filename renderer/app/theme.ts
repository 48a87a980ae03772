/**
 * Light or dark: following the OS, or chosen in Settings (kept in this browser's storage, as a
 * preference of this screen rather than of the back end). The chart colours come from the CSS
 * variables of the active theme: canvas and SVG attributes cannot read CSS variables themselves.
 */
import { useMemo, useSyncExternalStore } from 'react';

/** What the user chose: follow the OS, or always light or dark. */
export type ThemeChoice = 'system' | 'light' | 'dark';

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
  /** A gap whose packets never reached this machine (the wire view saw nothing either). */
  lostBefore: string;
  /** A gap whose packets reached this machine and were lost on it (its receive buffer, or after the card). */
  lostHere: string;
}

const query = '(prefers-color-scheme: dark)';
const STORAGE_KEY = 'gapscope.theme';
const listeners = new Set<() => void>();

function readChoice(): ThemeChoice {
  try {
    const v = window.localStorage.getItem(STORAGE_KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

let choice: ThemeChoice = typeof window === 'undefined' ? 'system' : readChoice();

function apply(): void {
  const root = document.documentElement;
  if (choice === 'system') delete root.dataset.theme;
  else root.dataset.theme = choice;
}

/** Applies the stored choice to the page; called once at start-up, before the first render. */
export function initTheme(): void {
  apply();
}

/** The user's choice. */
export function themeChoice(): ThemeChoice {
  return choice;
}

/** Switches the theme now and remembers it for the next start. */
export function setThemeChoice(next: ThemeChoice): void {
  choice = next;
  try {
    if (next === 'system') window.localStorage.removeItem(STORAGE_KEY);
    else window.localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Storage can be off (private mode): the choice then lasts until the page closes.
  }
  apply();
  for (const l of listeners) l();
}

function subscribe(onChange: () => void): () => void {
  const mq = window.matchMedia(query);
  mq.addEventListener('change', onChange);
  listeners.add(onChange);
  return () => {
    mq.removeEventListener('change', onChange);
    listeners.delete(onChange);
  };
}

/** True when the page is dark now: chosen, or the OS's theme while following it. */
export function isDark(c: ThemeChoice, osDark: boolean): boolean {
  return c === 'dark' || (c === 'system' && osDark);
}

/** The user's theme choice, re-rendering when it changes. */
export function useThemeChoice(): ThemeChoice {
  return useSyncExternalStore(subscribe, themeChoice);
}

/** The chart colours, updated when the OS or the user switches between light and dark. */
export function useChartColors(): ChartColors {
  const dark = useSyncExternalStore(subscribe, () => isDark(choice, window.matchMedia(query).matches));
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
      lostBefore: v('--lost-before', dark ? '#38bdf8' : '#0369a1'),
      lostHere: v('--lost-here', dark ? '#f472b6' : '#be185d'),
    };
  }, [dark]);
}
