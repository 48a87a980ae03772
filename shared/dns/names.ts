/**
 * DNS names, record types and servers as people type them. The contract's schemas check them at the
 * door with these functions; past the door the probe trusts what it is given.
 */
import { GapscopeError } from '../errors';
import type { AddressFamily } from '../net/address';
import { formatServer, parseServerText } from './resolverList';

/** The record types the probe asks by name; any other type can be given as TYPE123. */
export const QUERY_TYPES = ['A', 'AAAA', 'HTTPS', 'SVCB', 'TXT', 'PTR', 'SOA', 'MX', 'NS', 'SRV', 'CNAME', 'CAA', 'DS', 'DNSKEY', 'ANY'] as const;

/** Longest name in text form, without the final dot (RFC 1035: 255 octets on the wire). */
export const MAX_DNS_NAME = 253;

/** Why a name cannot be asked (length, labels of 1–63 characters, letters, digits, '-', '_' and a leading '*'), or null when it can. */
export function dnsNameProblem(text: string): string | null {
  const name = typeof text === 'string' ? text.trim() : '';
  const bad = (why: string): string => `"${String(text).slice(0, 80)}" is not a valid DNS name: ${why}`;
  if (name === '') return bad('it is empty');
  if (name === '.') return null;
  const bare = bareDnsName(name);
  if (bare.length > MAX_DNS_NAME) return bad(`it is ${bare.length} characters long, more than ${MAX_DNS_NAME}`);
  const labels = bare.split('.');
  for (const [i, label] of labels.entries()) {
    if (label === '') return bad('it has an empty label (two dots in a row, or a leading dot)');
    if (label.length > 63) return bad(`the label "${label.slice(0, 20)}…" is ${label.length} characters long, more than 63`);
    if (label === '*' && i === 0) continue;
    if (!/^[A-Za-z0-9_-]+$/.test(label)) return bad(`the label "${label}" has characters other than letters, digits, "-" and "_" (write international names in their xn-- form)`);
  }
  return null;
}

/** A name as the probe sends it: trimmed, without the final dot ("." stays the root). */
export function bareDnsName(text: string): string {
  const name = text.trim();
  return name !== '.' && name.endsWith('.') ? name.slice(0, -1) : name;
}

/** Reads a type name (A, aaaa, HTTPS, TYPE65) into its canonical spelling; a wrong one is a usage error naming the choices. */
export function canonicalQueryType(text: string): string {
  const t = String(text).trim().toUpperCase();
  const generic = /^TYPE(\d{1,5})$/.exec(t);
  if (generic) {
    const code = Number(generic[1]);
    if (code >= 1 && code <= 65535 && code !== 41) return `TYPE${code}`;
  } else if ((QUERY_TYPES as readonly string[]).includes(t)) {
    return t;
  }
  throw new GapscopeError('invalid-argument', `"${String(text).slice(0, 40)}" is not a DNS record type this probe asks: use one of ${QUERY_TYPES.join(', ')} or TYPEn (1–65535).`);
}

/** A DNS server to probe: address, family, port and IPv6 scope id. */
export interface DnsServerAddress {
  address: string;
  family: AddressFamily;
  port: number;
  zone: string | null;
  /** As people type it: "10.0.0.1", "[fe80::1%eth0]:5353". */
  text: string;
}

/** Reads a server as people type it (10.0.0.1, 10.0.0.1:5353, fe80::1%eth0, [fd00::1]:53), or null when it is not one. */
export function dnsServerAddress(text: string): DnsServerAddress | null {
  const s = parseServerText(String(text));
  if (s.family === null || s.serverName !== null) return null;
  return { address: s.address, family: s.family, port: s.port, zone: s.zone, text: formatServer(s) };
}
