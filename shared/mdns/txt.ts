/** DNS-SD TXT records decoded as RFC 6763 §6 says, so that every view shows the same keys and values. */

/** One key of a TXT record: `value` null for a boolean key (no '='), `binary` when the value is not text and is shown as hex. */
export interface TxtEntry {
  key: string;
  value: string | null;
  binary: boolean;
}

/** A TXT record as shown: its entries in wire order, the first of each key only, and how many bytes it had. */
export interface TxtView {
  entries: TxtEntry[];
  bytes: number;
  /** The record was longer than the cache keeps; entries past the cap are missing. */
  truncated: boolean;
}

/** Decodes strict UTF-8 (no overlongs, no surrogates), or returns null so that the caller shows hex instead. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    let cp: number;
    let need: number;
    if (b < 0x80) {
      cp = b;
      need = 0;
    } else if (b >= 0xc2 && b < 0xe0) {
      cp = b & 0x1f;
      need = 1;
    } else if (b >= 0xe0 && b < 0xf0) {
      cp = b & 0x0f;
      need = 2;
    } else if (b >= 0xf0 && b < 0xf5) {
      cp = b & 0x07;
      need = 3;
    } else {
      return null;
    }
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return null;
      cp = (cp << 6) | (c & 0x3f);
    }
    if ((need === 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (need === 3 && (cp < 0x10000 || cp > 0x10ffff))) return null;
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Control characters make a value binary: text that would garble a terminal or a table is shown as hex. */
function isShowableText(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(s);
}

/**
 * Decodes the strings of a TXT record (RFC 6763 §6.3–6.5): a string without '=' is a boolean key,
 * keys are case-insensitive and only their first occurrence counts, a string starting with '=' or
 * with a non-printable key is ignored, and a value that is not printable UTF-8 is kept as hex.
 */
export function decodeTxt(strings: readonly Uint8Array[], truncated = false): TxtView {
  const entries: TxtEntry[] = [];
  const seen = new Set<string>();
  let bytes = 0;
  for (const s of strings) {
    bytes += s.length + 1;
    if (s.length === 0) continue;
    let eq = s.indexOf(0x3d);
    if (eq === 0) continue;
    if (eq < 0) eq = s.length;
    let key = '';
    let printable = true;
    for (let i = 0; i < eq; i++) {
      const c = s[i]!;
      if (c < 0x20 || c > 0x7e) printable = false;
      key += String.fromCharCode(c);
    }
    if (!printable) continue;
    const lower = key.toLowerCase();
    if (seen.has(lower)) continue;
    seen.add(lower);
    if (eq === s.length) {
      entries.push({ key, value: null, binary: false });
      continue;
    }
    const raw = s.subarray(eq + 1);
    const text = decodeUtf8(raw);
    if (text !== null && isShowableText(text)) entries.push({ key, value: text, binary: false });
    else entries.push({ key, value: toHex(raw), binary: true });
  }
  return { entries, bytes, truncated };
}
