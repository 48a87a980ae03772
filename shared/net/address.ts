/** Pure IP address parsing and classification, usable by the UI, the CLI and the back end alike. */

/** The two address families a stream can use. */
export type AddressFamily = 'ipv4' | 'ipv6';

/** How a stream receives: one host, the subnet's broadcast, a group, or a group from one source. */
export type ReceptionKind = 'unicast' | 'broadcast' | 'multicast' | 'source-specific multicast';

/** Parses dotted-quad IPv4 into its four bytes, or null when the text is not exactly that. */
export function parseIPv4(text: string): [number, number, number, number] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p.startsWith('0'))) return null;
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
  return out as [number, number, number, number];
}

/** Parses IPv6 text (with an optional %zone) into 16 bytes and its zone, or null if invalid. */
export function parseIPv6(text: string): { bytes: Uint8Array; zone: string | null } | null {
  let zone: string | null = null;
  let addr = text;
  const pct = text.indexOf('%');
  if (pct >= 0) {
    zone = text.slice(pct + 1);
    addr = text.slice(0, pct);
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(zone)) return null;
  }
  if (addr.length < 2 || addr.length > 45) return null;
  const bytes = new Uint8Array(16);
  let tail = addr;
  let v4: [number, number, number, number] | null = null;
  const lastColon = addr.lastIndexOf(':');
  if (addr.slice(lastColon + 1).includes('.')) {
    v4 = parseIPv4(addr.slice(lastColon + 1));
    if (!v4) return null;
    tail = addr.slice(0, lastColon + 1) + '0:0';
  }
  const halves = tail.split('::');
  if (halves.length > 2) return null;
  const parseGroups = (s: string): number[] | null => {
    if (s === '') return [];
    const groups = s.split(':');
    const out: number[] = [];
    for (const g of groups) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parseGroups(halves[0] ?? '');
  const rest = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (!head || !rest) return null;
  const total = head.length + rest.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return null;
  const groups = [...head, ...new Array<number>(8 - total).fill(0), ...rest];
  groups.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  if (v4) bytes.set(v4, 12);
  return { bytes, zone };
}

/** The family of an address text, or null when it is neither IPv4 nor IPv6. */
export function addressFamily(text: string): AddressFamily | null {
  if (parseIPv4(text)) return 'ipv4';
  if (parseIPv6(text)) return 'ipv6';
  return null;
}

/** True for 224.0.0.0/4 and ff00::/8: the addresses a socket must join rather than bind to. */
export function isMulticast(text: string): boolean {
  const v4 = parseIPv4(text);
  if (v4) return v4[0] >= 224 && v4[0] <= 239;
  const v6 = parseIPv6(text);
  return v6 !== null && v6.bytes[0] === 0xff;
}

/** True for the limited broadcast address and for x.x.x.255-style directed broadcasts of a given mask. */
export function isBroadcast(text: string, netmask?: string): boolean {
  const v4 = parseIPv4(text);
  if (!v4) return false;
  if (v4.every((b) => b === 255)) return true;
  const mask = netmask ? parseIPv4(netmask) : null;
  if (!mask) return false;
  return v4.every((b, i) => (b | (mask[i] ?? 0)) === 255) && mask.some((m) => m !== 255);
}

/** True for 0.0.0.0 and :: — "every local address". */
export function isUnspecified(text: string): boolean {
  const v4 = parseIPv4(text);
  if (v4) return v4.every((b) => b === 0);
  const v6 = parseIPv6(text);
  return v6 !== null && v6.bytes.every((b) => b === 0);
}

/** Formats host and port the way people read them: 10.0.0.1:4000 and [fd00::1]:4000. */
export function formatEndpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
