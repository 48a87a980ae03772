/** Links to a session's capture as the web mode serves it: the whole pcapng, or a time range of it. */

/** A range typed by the user, seconds since the session's first packet. */
export interface SecondsRange {
  from: number;
  to: number;
}

/** The download address of a session's capture (relative to the page, carrying the window's token). */
export function captureDownloadUrl(id: string, range: SecondsRange | null, token: string): string {
  const q = new URLSearchParams();
  if (range) {
    q.set('from', String(range.from));
    q.set('to', String(range.to));
  }
  q.set('token', token);
  return `/sessions/${encodeURIComponent(id)}/capture.pcapng?${q.toString()}`;
}

/** Reads the range form: the range, or one sentence saying what is wrong with it. */
export function parseSecondsRange(from: string, to: string, durationS: number | null): { range: SecondsRange } | { error: string } {
  const read = (name: string, text: string): number | string => {
    const t = text.trim();
    if (!/^\d{1,9}(\.\d{1,9})?$/.test(t)) return `${name} must be a number of seconds, e.g. 2.5`;
    return Number(t);
  };
  const f = read('From', from);
  if (typeof f === 'string') return { error: f };
  const t = read('To', to);
  if (typeof t === 'string') return { error: t };
  if (f > t) return { error: 'From must not be after To.' };
  if (durationS !== null && f > durationS) return { error: `The session lasts ${durationS.toFixed(1)} s: From is past its end.` };
  return { range: { from: f, to: t } };
}
