/** Two network snapshots in, the changes between them out, each in the user's words and ready for the timeline. */
import { kindLabel } from './kind';
import type { DefaultRouteInfo, NetInterface, NetworkChange, NetworkSnapshot, WifiState } from './types';

/** How far the signal must fall between two samples to be an event. */
export const SIGNAL_DROP_DB = 10;
export const SIGNAL_DROP_PERCENT = 20;

const famLabel = (f: 'ipv4' | 'ipv6'): string => (f === 'ipv4' ? 'IPv4' : 'IPv6');
const via = (d: DefaultRouteInfo): string => (d.iface ? `${d.iface}${d.gateway ? ` (${d.gateway})` : ''}` : 'nothing');
const working = (i: NetInterface): boolean => i.up && i.running;
const addrText = (a: { address: string; prefixLength: number | null }): string => `${a.address}${a.prefixLength !== null ? `/${a.prefixLength}` : ''}`;

function interfaceChanges(prev: NetInterface[], next: NetInterface[], out: NetworkChange[]): void {
  const before = new Map(prev.map((i) => [i.name, i]));
  const after = new Map(next.map((i) => [i.name, i]));
  for (const [name, i] of after) {
    const was = before.get(name);
    if (!was) {
      out.push({ kind: 'interface-added', severity: 'info', summary: `${name} appeared (${kindLabel(i.kind)})`, detail: { iface: name, kind: i.kind } });
      continue;
    }
    if (working(was) && !working(i)) {
      const why = !i.up ? 'switched off' : 'no carrier';
      out.push({ kind: 'interface-down', severity: 'warning', summary: `${name} went down (${why})`, detail: { iface: name, up: i.up, running: i.running } });
    } else if (!working(was) && working(i)) {
      out.push({ kind: 'interface-up', severity: 'info', summary: `${name} came up`, detail: { iface: name } });
    }
    if (was.mtu !== null && i.mtu !== null && was.mtu !== i.mtu) {
      out.push({ kind: 'mtu-changed', severity: 'info', summary: `${name} MTU changed from ${was.mtu} to ${i.mtu}`, detail: { iface: name, from: was.mtu, to: i.mtu } });
    }
  }
  for (const [name, was] of before) {
    if (!after.has(name)) out.push({ kind: 'interface-removed', severity: 'warning', summary: `${name} disappeared (${kindLabel(was.kind)})`, detail: { iface: name, kind: was.kind } });
  }
  // Addresses: the same address on another interface is one "moved" event, not a removal and an addition.
  const owners = (list: NetInterface[]): Map<string, { iface: string; a: NetInterface['addresses'][number] }> => {
    const m = new Map<string, { iface: string; a: NetInterface['addresses'][number] }>();
    for (const i of list) for (const a of i.addresses) m.set(`${a.address}/${a.prefixLength ?? ''}`, { iface: i.name, a });
    return m;
  };
  const oldA = owners(prev);
  const newA = owners(next);
  for (const [key, n] of newA) {
    const o = oldA.get(key);
    if (!o) out.push({ kind: 'address-added', severity: 'info', summary: `${n.iface} got address ${addrText(n.a)}`, detail: { iface: n.iface, address: n.a.address, prefixLength: n.a.prefixLength, family: n.a.family } });
    else if (o.iface !== n.iface) {
      out.push({ kind: 'address-moved', severity: 'warning', summary: `address ${addrText(n.a)} moved from ${o.iface} to ${n.iface}`, detail: { from: o.iface, to: n.iface, address: n.a.address, family: n.a.family } });
    }
  }
  for (const [key, o] of oldA) {
    // An address that left together with its interface is covered by "disappeared".
    if (!newA.has(key) && after.has(o.iface)) {
      out.push({ kind: 'address-removed', severity: 'warning', summary: `${o.iface} lost address ${addrText(o.a)}`, detail: { iface: o.iface, address: o.a.address, prefixLength: o.a.prefixLength, family: o.a.family } });
    }
  }
}

function routeChanges(prev: DefaultRouteInfo[], next: DefaultRouteInfo[], out: NetworkChange[]): void {
  for (const n of next) {
    const o = prev.find((d) => d.family === n.family);
    if (!o) continue;
    const fam = famLabel(n.family);
    if (o.iface !== n.iface || o.gateway !== n.gateway) {
      const summary = !n.iface ? `${fam} default route removed (was via ${via(o)})` : !o.iface ? `${fam} default route added via ${via(n)}` : `${fam} default route now via ${via(n)}, was via ${via(o)}`;
      out.push({ kind: 'default-route-changed', severity: 'warning', summary, detail: { family: n.family, from: { iface: o.iface, gateway: o.gateway }, to: { iface: n.iface, gateway: n.gateway } } });
    }
    if (n.capturedBy && n.capturedBy !== o.capturedBy) {
      const how = n.captureStyle === 'split' ? (n.family === 'ipv4' ? ' with two half routes (0.0.0.0/1 + 128.0.0.0/1)' : ' with half routes') : '';
      out.push({
        kind: 'vpn-captured-default',
        severity: 'warning',
        summary: `VPN tunnel ${n.capturedBy} captured all ${fam} traffic${how}; devices on the local network are reached only through routes more specific than the VPN's`,
        detail: { family: n.family, tunnel: n.capturedBy, style: n.captureStyle },
      });
    } else if (o.capturedBy && !n.capturedBy) {
      out.push({ kind: 'vpn-released-default', severity: 'info', summary: `VPN tunnel ${o.capturedBy} no longer carries all ${fam} traffic`, detail: { family: n.family, tunnel: o.capturedBy } });
    }
  }
}

function wifiChanges(o: WifiState, n: WifiState, out: NetworkChange[]): void {
  if (!o.available || !n.available) return;
  if (o.connected && !n.connected) {
    out.push({ kind: 'wifi-disconnected', severity: 'warning', summary: `Wi-Fi disconnected${o.ssid ? ` from ${o.ssid}` : ''}`, detail: { ssid: o.ssid, bssid: o.bssid } });
    return;
  }
  if (!o.connected && n.connected) {
    out.push({ kind: 'wifi-connected', severity: 'info', summary: `Wi-Fi connected${n.ssid ? ` to ${n.ssid}` : ''}`, detail: { ssid: n.ssid, bssid: n.bssid } });
    return;
  }
  if (!n.connected) return;
  if (o.ssid !== n.ssid && o.ssid !== null && n.ssid !== null) {
    out.push({ kind: 'wifi-ssid-changed', severity: 'warning', summary: `Wi-Fi network changed from ${o.ssid} to ${n.ssid}`, detail: { from: o.ssid, to: n.ssid, bssid: n.bssid } });
  } else if (o.bssid !== n.bssid && o.bssid !== null && n.bssid !== null) {
    out.push({ kind: 'wifi-roamed', severity: 'warning', summary: `Wi-Fi roamed to access point ${n.bssid} (was ${o.bssid})${n.channel !== null ? `, channel ${n.channel}` : ''}`, detail: { from: o.bssid, to: n.bssid, ssid: n.ssid, channel: n.channel } });
  }
  if (o.rssiDbm !== null && n.rssiDbm !== null && o.rssiDbm - n.rssiDbm >= SIGNAL_DROP_DB) {
    out.push({ kind: 'wifi-signal-dropped', severity: 'warning', summary: `Wi-Fi signal dropped from ${o.rssiDbm} to ${n.rssiDbm} dBm`, detail: { from: o.rssiDbm, to: n.rssiDbm, unit: 'dBm' } });
  } else if (o.rssiDbm === null && o.signalPercent !== null && n.signalPercent !== null && o.signalPercent - n.signalPercent >= SIGNAL_DROP_PERCENT) {
    out.push({ kind: 'wifi-signal-dropped', severity: 'warning', summary: `Wi-Fi signal dropped from ${o.signalPercent}% to ${n.signalPercent}%`, detail: { from: o.signalPercent, to: n.signalPercent, unit: '%' } });
  }
}

/** Every change from `prev` to `next`, in a stable order: interfaces, addresses, routes, tunnels, Wi-Fi. */
export function diffSnapshots(prev: NetworkSnapshot, next: NetworkSnapshot): NetworkChange[] {
  const out: NetworkChange[] = [];
  interfaceChanges(prev.interfaces, next.interfaces, out);
  routeChanges(prev.defaults, next.defaults, out);
  if (prev.tunnelCount !== next.tunnelCount) {
    out.push({ kind: 'tunnel-count-changed', severity: 'info', summary: `Tunnel interfaces: ${prev.tunnelCount} → ${next.tunnelCount}`, detail: { from: prev.tunnelCount, to: next.tunnelCount } });
  }
  wifiChanges(prev.wifi, next.wifi, out);
  return out;
}
