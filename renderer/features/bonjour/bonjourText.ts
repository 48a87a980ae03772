/** Words and commands the Bonjour tab shows: shell-safe "copy as command" lines, hex dumps, short types and ages. */
import type { TxtEntry } from '../../../shared/mdns/txt';

/** Quotes one argument for a POSIX shell: single quotes, with any single quote closed, escaped and reopened. */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_.,:/@%+=-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** "_http._tcp.local" → "_http._tcp": the type as dns-sd and avahi-browse take it. */
export function shortType(type: string): string {
  return type.replace(/\.local\.?$/i, '');
}

/** The domain of a type ("local"), as dns-sd -L takes it. */
function domainOf(type: string): string {
  const m = /\._(?:tcp|udp)\.(.+?)\.?$/i.exec(type);
  return m ? m[1]! : 'local';
}

/** `dns-sd -L NAME TYPE DOMAIN`: resolves the instance on a Mac (or with Apple's mDNSResponder tools). */
export function dnsSdCommand(name: string, type: string): string {
  return `dns-sd -L ${shellQuote(name)} ${shellQuote(shortType(type))} ${shellQuote(domainOf(type))}`;
}

/** `avahi-browse -r -t TYPE`: lists and resolves every instance of the type on Linux. */
export function avahiBrowseCommand(type: string): string {
  return `avahi-browse -r -t ${shellQuote(shortType(type))}`;
}

/** A TXT entry as key=value, a binary value as 0x…, a boolean key alone. */
export function txtEntryText(e: TxtEntry): string {
  return e.value === null ? e.key : `${e.key}=${e.binary ? `0x${e.value}` : e.value}`;
}

/** A classic hex dump of a packet given as hex: offset, 16 bytes, and their printable ASCII. */
export function hexDump(hex: string, maxBytes = 9000): string {
  const bytes: number[] = [];
  for (let i = 0; i + 1 < hex.length && bytes.length < maxBytes; i += 2) bytes.push(Number.parseInt(hex.slice(i, i + 2), 16));
  const lines: string[] = [];
  for (let o = 0; o < bytes.length; o += 16) {
    const row = bytes.slice(o, o + 16);
    const hexPart = row.map((b) => b.toString(16).padStart(2, '0')).join(' ').padEnd(47, ' ');
    const ascii = row.map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${o.toString(16).padStart(4, '0')}  ${hexPart}  ${ascii}`);
  }
  return lines.join('\n');
}

/** "3 s ago", "2 min ago": how long since a wall-clock time. */
export function ago(at: number, now: number): string {
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${Math.floor(s / 3600)} h ago`;
}

/** TXT lines typed in the advertise form: one entry per non-empty line. */
export function txtLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}
