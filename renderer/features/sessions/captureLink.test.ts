import { describe, expect, it } from 'vitest';
import { captureDownloadUrl, parseSecondsRange } from './captureLink';

describe('capture links', () => {
  it('point at the web route with the token, and a range in seconds', () => {
    expect(captureDownloadUrl('20261124-1', null, 'tok+/=')).toBe('/sessions/20261124-1/capture.pcapng?token=tok%2B%2F%3D');
    expect(captureDownloadUrl('20261124-1', { from: 1.5, to: 3 }, 't')).toBe('/sessions/20261124-1/capture.pcapng?from=1.5&to=3&token=t');
  });

  it('read the range form or say what is wrong', () => {
    expect(parseSecondsRange(' 1.5', '3 ', 10)).toEqual({ range: { from: 1.5, to: 3 } });
    expect(parseSecondsRange('-1', '3', 10)).toEqual({ error: 'From must be a number of seconds, e.g. 2.5' });
    expect(parseSecondsRange('1', 'end', 10)).toEqual({ error: 'To must be a number of seconds, e.g. 2.5' });
    expect(parseSecondsRange('4', '3', 10)).toEqual({ error: 'From must not be after To.' });
    expect(parseSecondsRange('12', '13', 10)).toEqual({ error: 'The session lasts 10.0 s: From is past its end.' });
  });
});
