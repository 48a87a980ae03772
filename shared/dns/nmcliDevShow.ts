/**
 * Reads NetworkManager's per-device DNS from `nmcli dev show` (also the terse `-t` form): what
 * NetworkManager hands on to the system resolver, device by device, IPv4 and IPv6.
 */
import {
  GLIBC_MAXNS,
  attachLinkZone,
  emptyResolverList,
  newResolverEntry,
  parseSafely,
  parseServerText,
  pushUnique,
  settleServers,
  textLines,
} from './resolverList';
import type { ResolverEntry, ResolverList } from './resolverList';

interface Device {
  name: string | null;
  state: string | null;
  servers: string[];
  domains: string[];
  firstLine: number;
}

/** Parses `nmcli dev show` / `nmcli -t dev show` output; never throws. */
export function parseNmcliDevShow(text: string): ResolverList {
  return parseSafely('nmcli', () => readNmcli(text));
}

function readNmcli(text: string): ResolverList {
  const list = emptyResolverList('nmcli');
  const lines = textLines(text, list.warnings);
  const devices: Device[] = [];
  let dev: Device | null = null;

  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') {
      dev = null;
      return;
    }
    const kv = /^([A-Z0-9_-]+(?:\.[A-Z0-9_-]+)+(?:\[\d+\])?):\s*(.*)$/i.exec(line);
    if (!kv) {
      list.warnings.push(`Line ${i + 1}: "${line}" is not a "FIELD: value" line; ignored.`);
      return;
    }
    const key = (kv[1] ?? '').toUpperCase().replace(/\[\d+\]$/, '');
    // The terse form (-t) escapes colons in values as "\:".
    const value = (kv[2] ?? '').replace(/\\:/g, ':').trim();
    if (key === 'GENERAL.DEVICE' || dev === null) {
      dev = { name: null, state: null, servers: [], domains: [], firstLine: i + 1 };
      devices.push(dev);
    }
    const d = dev as Device;
    if (value === '' || value === '--') return;
    if (key === 'GENERAL.DEVICE') d.name = value;
    else if (key === 'GENERAL.STATE') d.state = value;
    else if (key === 'IP4.DNS' || key === 'IP6.DNS') d.servers.push(...value.split(/[\s|,]+/).filter((v) => v !== ''));
    else if (key === 'IP4.DOMAIN' || key === 'IP6.DOMAIN' || key === 'IP4.SEARCHES' || key === 'IP6.SEARCHES') {
      for (const dom of value.split(/[\s|,]+/)) if (dom !== '') pushUnique(d.domains, dom);
    }
  });

  let total = 0;
  for (const d of devices) {
    if (d.servers.length === 0 && d.domains.length === 0) continue;
    const entry: ResolverEntry = newResolverEntry(d.name ?? `device at line ${d.firstLine}`, 'link');
    entry.interface = { name: d.name, index: null };
    entry.defaultRoute = null;
    entry.searchDomains = [...d.domains];
    entry.servers = d.servers.map((t) => {
      const s = parseServerText(t);
      if (s.family === null) list.warnings.push(`${entry.label}: DNS "${t}" is not an IP address.`);
      if (attachLinkZone(s, entry.interface)) {
        s.why = `Printed without a scope id; a link-local server of ${d.name} is reached through ${d.name}.`;
      }
      return s;
    });
    total += entry.servers.length;
    const connected = d.state === null || /^100\b|\(connected\)/i.test(d.state);
    if (entry.servers.length === 0) {
      entry.inUse = false;
      entry.why = 'Search domains only, no DNS server.';
    } else if (!connected) {
      entry.inUse = false;
      entry.why = `The device is not connected (state ${d.state}), so NetworkManager does not hand on its servers.`;
    } else {
      entry.inUse = true;
      entry.why =
        `NetworkManager hands these servers of ${d.name ?? 'this device'} to the system resolver; whether they are asked directly depends on its dns= mode ` +
        '(it writes /etc/resolv.conf itself, or passes them to systemd-resolved or dnsmasq).';
    }
    for (const s of entry.servers) {
      if (s.why !== '' && s.family !== null) {
        s.inUse = entry.inUse;
        s.why = `${entry.why} ${s.why}`;
      }
    }
    settleServers(entry);
    list.resolvers.push(entry);
    if (entry.inUse) for (const dom of entry.searchDomains) pushUnique(list.searchDomains, dom);
  }

  if (total > GLIBC_MAXNS) {
    list.notes.push(
      `NetworkManager knows ${total} DNS servers in all; if it writes /etc/resolv.conf itself (dns=default), glibc uses only the first ${GLIBC_MAXNS} of them (MAXNS).`,
    );
  }
  return list;
}
