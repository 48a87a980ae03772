import { describe, expect, it } from 'vitest';
import { decodeTxt, decodeUtf8 } from './txt';

const b = (...parts: Array<string | number[]>): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

describe('decodeTxt (RFC 6763 §6)', () => {
  it('reads key=value, boolean keys, empty values; first of each key wins, case-insensitively', () => {
    expect(decodeTxt([b('path=/x=y'), b('Secure'), b('empty='), b('PATH=/other'), b('=novalue'), b('')]).entries).toEqual([
      { key: 'path', value: '/x=y', binary: false },
      { key: 'Secure', value: null, binary: false },
      { key: 'empty', value: '', binary: false },
    ]);
  });

  it('shows UTF-8 values as text and binary values as hex', () => {
    const utf8 = b('name=', [0xc3, 0xa9, 0xe2, 0x82, 0xac]);
    const bin = b('key=', [0x00, 0xff, 0x10]);
    const overlong = b('k=', [0xc0, 0xaf]);
    const cut = b('k2=', [0xe2, 0x82]);
    expect(decodeTxt([utf8, bin, overlong, cut]).entries).toEqual([
      { key: 'name', value: 'é€', binary: false },
      { key: 'key', value: '00ff10', binary: true },
      { key: 'k', value: 'c0af', binary: true },
      { key: 'k2', value: 'e282', binary: true },
    ]);
  });

  it('ignores keys that are not printable ASCII and counts bytes as on the wire', () => {
    const view = decodeTxt([b([0x01], '=x'), b('ok=1')]);
    expect(view).toEqual({ entries: [{ key: 'ok', value: '1', binary: false }], bytes: 9, truncated: false });
  });

  it('decodes four-byte UTF-8 and refuses surrogates', () => {
    expect(decodeUtf8(b([0xf0, 0x9f, 0x98, 0x80]))).toBe('😀');
    expect(decodeUtf8(b([0xed, 0xa0, 0x80]))).toBeNull();
  });
});
