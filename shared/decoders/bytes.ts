/** Byte helpers for shared/, which has neither Buffer nor TextEncoder (no DOM, no Node types). */

/** The bytes of an ASCII string (characters above 0x7F keep their low 8 bits). */
export function asciiBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** Printable ASCII from bytes[start, end); other bytes become '.', so any input is safe to show. */
export function asciiText(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let s = '';
  for (let i = Math.max(0, start); i < Math.min(end, bytes.length); i++) {
    const b = bytes[i]!;
    s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
  }
  return s;
}

/** Two hex digits. */
export function hex2(n: number): string {
  return (n & 0xff).toString(16).padStart(2, '0');
}

/** A 32-bit value as 0x-prefixed hex, 8 digits. */
export function hex32(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}

/** Big-endian unsigned 32-bit read without a DataView (no allocation). */
export function u32be(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

/** Big-endian unsigned 16-bit read. */
export function u16be(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

/** Writes a big-endian unsigned 32-bit value. */
export function putU32be(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 24) & 0xff;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}

/** Writes a non-negative integer below 2^53 as big-endian 64-bit. */
export function putU64be(b: Uint8Array, o: number, v: number): void {
  const hi = Math.floor(v / 2 ** 32);
  putU32be(b, o, hi >>> 0);
  putU32be(b, o + 4, (v - hi * 2 ** 32) >>> 0);
}

/** Reads a big-endian 64-bit unsigned value as a number (exact below 2^53). */
export function u64be(b: Uint8Array, o: number): number {
  return u32be(b, o) * 2 ** 32 + u32be(b, o + 4);
}

/** UTC time of day from ms since the epoch, 'HH:MM:SS.mmm'. */
export function utcClock(ms: number, withMs = true): string {
  if (!Number.isFinite(ms)) return '?';
  const day = ((ms % 86_400_000) + 86_400_000) % 86_400_000;
  const p = (n: number, w = 2): string => String(Math.floor(n)).padStart(w, '0');
  const s = `${p(day / 3_600_000)}:${p((day / 60_000) % 60)}:${p((day / 1000) % 60)}`;
  return withMs ? `${s}.${p(day % 1000, 3)}` : s;
}
