/**
 * Whether an element is in the window's view: panels below the fold (the packet list under the gap
 * table at 1280x800) then update rarely, since every change of their text costs the page a layout
 * and a paint that nobody sees (bench:ui: the packet rows were 440 of the page's ~520 DOM changes a
 * second with two live streams, all of them off screen).
 */
import { useEffect, useRef, useState, type RefObject } from 'react';

/** True while any part of the element is in the viewport (true too where IntersectionObserver is missing). */
export function useOnScreen(ref: RefObject<Element | null>): boolean {
  const [onScreen, setOnScreen] = useState(true);
  const watched = useRef<{ el: Element; obs: IntersectionObserver } | null>(null);
  // After every render, since the element may appear later than the component (a panel that waits for data).
  useEffect(() => {
    const el = ref.current;
    if (watched.current?.el === el) return;
    watched.current?.obs.disconnect();
    watched.current = null;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    const obs = new IntersectionObserver((entries) => {
      const last = entries[entries.length - 1];
      if (last) setOnScreen(last.isIntersecting);
    });
    obs.observe(el);
    watched.current = { el, obs };
  });
  useEffect(
    () => () => {
      watched.current?.obs.disconnect();
      watched.current = null;
    },
    [],
  );
  return onScreen;
}
