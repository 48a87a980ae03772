/** macOS `ifconfig`, `netstat -rn` and `route -n get X` into Gapscope's shapes. */
import { classifyInterface } from './kind';
import type { NetInterface, RouteEntry, RouteLookup } from './types';

/** Prefix length of a hex netmask such as 0xffffff00. */
function maskBits(hex: string): number | null {
  const v = Number.parseInt(hex, 16);
  if (!Number.isFinite(v)) return null;
  let bits = 0;
  for (let b = 31; b >= 0; b--) if ((v >>> b) & 1) bits++;
  return bits;
}

/** Parses `ifconfig` (all interfaces); `wifiIface` marks the interface the Wi-Fi reader named (usually en0). */
export function parseIfconfig(text: string, wifiIface: string | null = null): NetInterface[] {
  const list: NetInterface[] = [];
  let cur: NetInterface | null = null;
  for (const line of text.split('\n')) {
    const head = /^([A-Za-z0-9_.-]+): flags=[0-9a-f]+<([^>]*)>(?: mtu (\d+))?/i.exec(line);
    if (head?.[1]) {
      const flags = (head[2] ?? '').split(',').filter(Boolean);
      const name = head[1];
      cur = {
        name,
        kind: classifyInterface(name, { platform: 'darwin', wireless: name === wifiIface, loopback: flags.includes('LOOPBACK'), pointToPoint: flags.includes('POINTOPOINT') }),
        index: null,
        mac: null,
        mtu: head[3] ? Number(head[3]) : null,
        up: flags.includes('UP'),
        running: flags.includes('RUNNING'),
        flags,
        addresses: [],
        linkKind: null,
      };
      list.push(cur);
      continue;
    }
    if (!cur || !/^\s/.test(line)) continue;
    const t = line.trim();
    let m: RegExpExecArray | null;
    if ((m = /^ether ([0-9a-f:]+)/i.exec(t))) cur.mac = m[1] ?? null;
    else if ((m = /^inet (\S+) netmask (0x[0-9a-f]+)/i.exec(t))) cur.addresses.push({ address: m[1] ?? '', family: 'ipv4', prefixLength: maskBits(m[2] ?? '') });
    else if ((m = /^inet6 (\S+) prefixlen (\d+)/i.exec(t))) cur.addresses.push({ address: (m[1] ?? '').replace(/%.*$/, ''), family: 'ipv6', prefixLength: Number(m[2]) });
    else if ((m = /^status: (\w+)/.exec(t))) cur.running = m[1] === 'active';
    else if ((m = /^media: (.+)$/.exec(t))) cur.linkKind = m[1] ?? null;
    const sid = /scopeid 0x([0-9a-f]+)/i.exec(t);
    if (sid?.[1] && cur.index === null) cur.index = Number.parseInt(sid[1], 16);
  }
  return list;
}

/** netstat's shortened IPv4 destinations ("127", "192.168.1", "0/1", "128.0/1") as CIDR. */
export function expandNetstatV4(dst: string, hostFlag: boolean): string {
  if (dst === 'default') return 'default';
  const [addr = '', len] = dst.split('/');
  const octets = addr.split('.');
  const full = [...octets, '0', '0', '0', '0'].slice(0, 4).join('.');
  if (len !== undefined) return `${full}/${len}`;
  if (hostFlag || octets.length === 4) return `${full}/32`;
  return `${full}/${octets.length * 8}`;
}

/** Parses `netstat -rn` (both families); link-layer (ARP/ND) entries are skipped. */
export function parseNetstatRn(text: string): RouteEntry[] {
  const routes: RouteEntry[] = [];
  let family: 'ipv4' | 'ipv6' | null = null;
  let cols: string[] = [];
  for (const line of text.split('\n')) {
    if (/^Internet:/.test(line)) family = 'ipv4';
    else if (/^Internet6:/.test(line)) family = 'ipv6';
    else if (/^Destination\s/.test(line)) cols = line.trim().split(/\s+/);
    else if (family && line.trim() !== '') {
      const f = line.trim().split(/\s+/);
      const at = (name: string): string | undefined => f[cols.indexOf(name)];
      const dst = f[0] ?? '';
      const gw = f[1] ?? '';
      const flags = (at('Flags') ?? '').split('');
      // L = link-layer entry (a neighbour, not a route); gateways that are MACs or link#N are on-link.
      if (flags.includes('L') || /^([0-9a-f]{1,2}:){5}[0-9a-f]{1,2}$/i.test(gw)) continue;
      const onLink = gw.startsWith('link#');
      const destination = family === 'ipv4' ? expandNetstatV4(dst, flags.includes('H')) : dst === 'default' ? 'default' : dst.replace(/%[^/]+/, '');
      routes.push({
        family,
        destination,
        gateway: onLink ? null : gw.replace(/%.*$/, ''),
        iface: at('Netif') ?? null,
        metric: null,
        source: null,
        flags,
      });
    }
  }
  return routes;
}

/** Parses `route -n get X`: interface, gateway; or the error line ("not in table", "bad address"). */
export function parseRouteGet(destination: string, stdout: string, stderr = ''): RouteLookup {
  const kv = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const m = /^\s*([a-z ]+):\s*(.*)$/.exec(line);
    if (m?.[1]) kv.set(m[1].trim(), (m[2] ?? '').trim());
  }
  if (!kv.has('interface')) {
    const err = (stderr.trim() || stdout.trim()).replace(/^route:\s*/, '') || 'no route';
    return { destination, iface: null, source: null, gateway: null, error: err };
  }
  const gw = kv.get('gateway') ?? null;
  return { destination, iface: kv.get('interface') ?? null, source: null, gateway: gw ? gw.replace(/%.*$/, '') : null, error: null };
}
