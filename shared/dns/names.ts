/**
 * DNS names and record types as people type them, checked the same way at every door: the contract's
 * schemas, the CLI and the probe itself.
 */
import { GapscopeError } from '../errors';

/** The record types the probe asks by name; any other type can be given as TYPE123. */
export const QUERY_TYPES = ['A', 'AAAA', 'HTTPS', 'SVCB', 'TXT', 'PTR', 'SOA', 'MX', 'NS', 'SRV', 'CNAME', 'CAA', 'DS', 'DNSKEY', 'ANY'] as const;

/** Longest name in text form, without the final dot (RFC 1035: 255 octets on the wire). */
export const MAX_DNS_NAME = 253;

/** Checks a name before anything is sent: length, labels of 1–63 characters, letters, digits, '-', '_' and a leading '*'; returns it without the final dot ("." for the root). */
export function validateDnsName(text: string): string {
  const name = typeof text === 'string' ? text.trim() : '';
  const bad = (why: string): never => {
    throw new GapscopeError('invalid-argument', `"${String(text).slice(0, 80)}" is not a valid DNS name: ${why}.`);
  };
  if (name === '') bad('it is empty');
  if (name === '.') return '.';
  const bare = name.endsWith('.') ? name.slice(0, -1) : name;
  if (bare.length > MAX_DNS_NAME) bad(`it is ${bare.length} characters long, more than ${MAX_DNS_NAME}`);
  const labels = bare.split('.');
  labels.forEach((label, i) => {
    if (label === '') bad('it has an empty label (two dots in a row, or a leading dot)');
    if (label.length > 63) bad(`the label "${label.slice(0, 20)}…" is ${label.length} characters long, more than 63`);
    if (label === '*' && i === 0) return;
    if (!/^[A-Za-z0-9_-]+$/.test(label)) bad(`the label "${label}" has characters other than letters, digits, "-" and "_" (write international names in their xn-- form)`);
  });
  return bare;
}

/** Why a name is not valid, or null when it is (for schemas that want a message, not an exception). */
export function dnsNameProblem(text: string): string | null {
  try {
    validateDnsName(text);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
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
