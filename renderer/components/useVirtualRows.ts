/**
 * Which rows of a long table to render: only those in the scroll box's view, plus a margin, with
 * spacers above and below so the scrollbar stays true. Thousands of gaps or packets then cost a
 * few dozen rows. Rows are one line each (tables here do not wrap), so their height is measured
 * once from a rendered row.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';

/** The rows to render and the spacer heights around them. */
export interface VirtualRows {
  /** Attach to the scrolling element. */
  scrollRef: RefObject<HTMLDivElement | null>;
  /** First row to render and one past the last. */
  start: number;
  end: number;
  /** Heights of the spacer rows before and after the rendered ones, px. */
  before: number;
  after: number;
}

/** Picks the rows of a list of count rows to render in its scroll box; estimate is the row height before one is measured. */
export function useVirtualRows(count: number, estimate = 28, overscan = 12): VirtualRows {
  const scrollRef = useRef<HTMLDivElement | null>(null);
  const [rowHeight, setRowHeight] = useState(estimate);
  const [view, setView] = useState({ top: 0, height: 400 });
  const read = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    setView((v) => (v.top === el.scrollTop && v.height === el.clientHeight ? v : { top: el.scrollTop, height: el.clientHeight }));
  }, []);
  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    el.addEventListener('scroll', read, { passive: true });
    const resize = new ResizeObserver(read);
    resize.observe(el);
    read();
    return () => {
      el.removeEventListener('scroll', read);
      resize.disconnect();
    };
  }, [read]);
  // Measured once, when the first row appears: measuring on every render would force a layout each time.
  const measured = useRef(false);
  useLayoutEffect(() => {
    if (measured.current || count === 0) return;
    const row = scrollRef.current?.querySelector<HTMLElement>('tbody tr[data-virtual-row]');
    const h = row?.getBoundingClientRect().height;
    if (!h) return;
    measured.current = true;
    if (Math.abs(h - rowHeight) > 0.5) setRowHeight(h);
  }, [count, rowHeight]);
  const first = Math.max(0, Math.floor(view.top / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((view.top + view.height) / rowHeight) + overscan);
  return { scrollRef, start: first, end: Math.max(first, last), before: first * rowHeight, after: Math.max(0, (count - last) * rowHeight) };
}
