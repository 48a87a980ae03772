/**
 * Selects from the store at most every intervalMs: a live stream changes the store 10–20 times a
 * second, and numbers, tables and histograms that people read need no more than a few updates a
 * second. The latest value always arrives (a trailing update), never a stale one. Every panel
 * ticks on one shared clock (panelClock.ts), so they re-render together, in one layout.
 */
import { useEffect, useRef, useState } from 'react';
import { appStore, type AppState } from '../../store/store';
import { panelClock } from './panelClock';

/** Like useApp(selector), but re-renders at most once per intervalMs, and only when equal says the value changed. */
export function useThrottledApp<T>(selector: (s: AppState) => T, intervalMs: number, equal: (a: T, b: T) => boolean = Object.is, deps: readonly unknown[] = []): T {
  const select = useRef(selector);
  select.current = selector;
  const same = useRef(equal);
  same.current = equal;
  const [value, setValue] = useState(() => selector(appStore.getState()));
  useEffect(() => {
    let cancel: (() => void) | null = null;
    const update = (): void => {
      cancel = null;
      const next = select.current(appStore.getState());
      setValue((prev) => (same.current(prev, next) ? prev : next));
    };
    update();
    const unsubscribe = appStore.subscribe(() => {
      cancel ??= panelClock.request(update, intervalMs);
    });
    return () => {
      unsubscribe();
      cancel?.();
    };
  }, [intervalMs, ...deps]);
  return value;
}
