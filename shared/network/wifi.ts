/**
 * Wi-Fi link readers for every OS, from tools that need no special privileges: Linux `iw dev` /
 * `iw dev X link` / `nmcli -t`, macOS `airport -I` and `system_profiler SPAirPortDataType`, Windows `netsh wlan show interfaces`.
 */
import type { WifiState } from './types';
import { wifiUnavailable } from './types';

function base(source: string, iface: string | null): WifiState {
  return { ...wifiUnavailable('', source), available: true, reason: null, iface };
}

const int = (s: string | undefined): number | null => {
  if (s === undefined) return null;
  const m = /-?\d+(\.\d+)?/.exec(s);
  return m ? Number(m[0]) : null;
};

/** Wi-Fi channel from a frequency in MHz (2.4, 5 and 6 GHz bands). */
export function channelFromFrequency(mhz: number | null): number | null {
  if (mhz === null) return null;
  if (mhz === 2484) return 14;
  if (mhz >= 2412 && mhz <= 2472) return (mhz - 2407) / 5;
  if (mhz >= 5955 && mhz <= 7115) return (mhz - 5950) / 5;
  if (mhz >= 5000 && mhz <= 5900) return (mhz - 5000) / 5;
  return null;
}

/** `iw dev`: the wireless interfaces ("Interface wlan0" blocks) with their type; P2P devices (no netdev) are skipped. */
export function parseIwDev(text: string): { iface: string; type: string | null; ssid: string | null }[] {
  const out: { iface: string; type: string | null; ssid: string | null }[] = [];
  let cur: { iface: string; type: string | null; ssid: string | null } | null = null;
  for (const line of text.split('\n')) {
    const t = line.trim();
    const m = /^Interface\s+(\S+)/.exec(t);
    if (m?.[1]) {
      cur = { iface: m[1], type: null, ssid: null };
      out.push(cur);
    } else if (/^phy#\d+$/.test(t) || t.startsWith('Unnamed/non-netdev interface')) {
      // A new radio, or a P2P device with no interface: its lines belong to no Interface block.
      cur = null;
    } else if (cur && t.startsWith('type ')) cur.type = t.slice(5).trim();
    else if (cur && t.startsWith('ssid ')) cur.ssid = t.slice(5);
  }
  return out;
}

/** `iw dev X link`: "Connected to BSSID (on X)", SSID, freq, signal, tx bitrate; or "Not connected." */
export function parseIwLink(iface: string, text: string): WifiState {
  const s = base('iw', iface);
  // Published outputs hide the last octets as "xx"; the link is still there.
  const head = /Connected to ((?:[0-9a-f]{2}|xx)(?::(?:[0-9a-f]{2}|xx)){5})/i.exec(text);
  if (!head?.[1]) return s;
  s.connected = true;
  s.bssid = /x/i.test(head[1]) ? null : head[1].toLowerCase();
  for (const line of text.split('\n')) {
    const t = line.trim();
    const [k, ...rest] = t.split(':');
    const v = rest.join(':').trim();
    if (k === 'SSID') s.ssid = v;
    else if (k === 'freq') s.frequencyMHz = int(v);
    else if (k === 'signal') s.rssiDbm = int(v);
    else if (k === 'tx bitrate') s.txRateMbps = int(v);
    else if (k === 'beacon int') s.beaconIntervalTu = int(v) || null;
    // iw prints 0 until it has seen the access point's DTIM period.
    else if (k === 'dtim period') s.dtimPeriod = int(v) || null;
  }
  s.channel = channelFromFrequency(s.frequencyMHz);
  return s;
}

/** Splits one `nmcli -t` line on unescaped colons (nmcli writes a literal colon as "\:"). */
export function splitNmcliTerse(line: string): string[] {
  const fields: string[] = [];
  let cur = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && i + 1 < line.length) {
      cur += line[i + 1];
      i++;
    } else if (c === ':') {
      fields.push(cur);
      cur = '';
    } else cur += c;
  }
  fields.push(cur);
  return fields;
}

/** The fields the reader asks nmcli for, in order. */
export const NMCLI_WIFI_FIELDS = ['ACTIVE', 'SSID', 'BSSID', 'CHAN', 'FREQ', 'RATE', 'SIGNAL', 'DEVICE'] as const;

/**
 * `nmcli -t -f FIELDS dev wifi list --rescan no` (or `-g FIELDS`): the access point in use
 * (ACTIVE "yes" or IN-USE "*"); `fields` names the columns as they were asked for.
 */
export function parseNmcliWifi(text: string, fields: readonly string[] = NMCLI_WIFI_FIELDS): WifiState {
  const col = (row: string[], name: string): string | undefined => {
    const i = fields.indexOf(name);
    return i < 0 ? undefined : row[i];
  };
  const rows = text.split('\n').filter((l) => l.trim() !== '').map(splitNmcliTerse);
  const active = rows.find((r) => col(r, 'ACTIVE') === 'yes' || col(r, 'IN-USE') === '*');
  if (!active) return base('nmcli', null);
  const s = base('nmcli', col(active, 'DEVICE') || null);
  const bssid = col(active, 'BSSID');
  s.connected = true;
  s.ssid = col(active, 'SSID') || null;
  s.bssid = bssid ? bssid.toLowerCase() : null;
  s.channel = int(col(active, 'CHAN'));
  s.frequencyMHz = int(col(active, 'FREQ'));
  s.txRateMbps = int(col(active, 'RATE'));
  s.signalPercent = int(col(active, 'SIGNAL'));
  return s;
}

function keyValues(text: string, sep = ':'): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(sep);
    if (i <= 0) continue;
    const k = line.slice(0, i).trim();
    if (!m.has(k)) m.set(k, line.slice(i + sep.length).trim());
  }
  return m;
}

/** macOS `airport -I` (removed in macOS 14.4, still present on older systems). */
export function parseAirportI(text: string, iface: string | null = 'en0'): WifiState {
  const kv = keyValues(text);
  const s = base('airport', iface);
  if (kv.get('AirPort') === 'Off' || kv.get('state') === 'init' || !kv.get('BSSID')) return s;
  s.connected = true;
  s.ssid = kv.get('SSID') ?? null;
  s.bssid = kv.get('BSSID')?.toLowerCase() ?? null;
  s.rssiDbm = int(kv.get('agrCtlRSSI'));
  s.noiseDbm = int(kv.get('agrCtlNoise'));
  s.txRateMbps = int(kv.get('lastTxRate'));
  s.channel = int(kv.get('channel')?.split(',')[0]);
  return s;
}

/**
 * macOS `system_profiler SPAirPortDataType`: the "Current Network Information:" block of the
 * first interface whose block names a network. The SSID is that block's first key; macOS 14+
 * shows it as "<redacted>" without Location permission, and only older systems show a BSSID.
 * awdl0 (AirDrop) has a block with no network in it; it is passed over.
 */
export function parseSystemProfilerAirPort(text: string): WifiState {
  const lines = text.split(/\r?\n/);
  const indent = (l: string): number => l.length - l.trimStart().length;
  let iface: string | null = null;
  let firstIface: string | null = null;
  let ifaceIndent: number | null = null;
  for (let i = 0; i < lines.length; i++) {
    const t = (lines[i] ?? '').trim();
    if (t === 'Interfaces:') {
      const next = lines.slice(i + 1).find((l) => l.trim() !== '');
      ifaceIndent = next === undefined ? null : indent(next);
      continue;
    }
    // Interface names sit at one indent under "Interfaces:"; a network called "home5:" deeper down is not one.
    const ifm = indent(lines[i] ?? '') === ifaceIndent ? /^([A-Za-z]+\d+):$/.exec(t) : null;
    if (ifm?.[1]) {
      iface = ifm[1];
      firstIface ??= iface;
    }
    if (t !== 'Current Network Information:') continue;
    const ssidLine = (lines[i + 1] ?? '').trim();
    if (!ssidLine.endsWith(':')) continue;
    const s = base('system_profiler', iface);
    s.connected = true;
    const ssid = ssidLine.slice(0, -1);
    s.ssid = ssid === '<redacted>' ? null : ssid;
    const blockIndent = indent(lines[i + 1] ?? '');
    for (let j = i + 2; j < lines.length; j++) {
      const l = lines[j] ?? '';
      if (l.trim() === '') continue;
      if (indent(l) <= blockIndent) break;
      const [k, ...rest] = l.trim().split(':');
      const v = rest.join(':').trim();
      if (k === 'Channel') s.channel = int(v);
      else if (k === 'BSSID' && /^[0-9a-f:]{17}$/i.test(v)) s.bssid = v.toLowerCase();
      else if (k === 'Signal / Noise') {
        const m = /(-?\d+)\s*dBm\s*\/\s*(-?\d+)\s*dBm/.exec(v);
        if (m) {
          s.rssiDbm = Number(m[1]);
          s.noiseDbm = Number(m[2]);
        }
      } else if (k === 'Transmit Rate') s.txRateMbps = int(v);
    }
    return s;
  }
  return base('system_profiler', firstIface);
}

/** Windows `netsh wlan show interfaces` (English): the first interface; "BSSID" or, on Windows 11, "AP BSSID". */
export function parseNetshWlanInterfaces(text: string): WifiState {
  const kv = keyValues(text, ' : ');
  if (!kv.has('Name')) return wifiUnavailable('netsh reports no wireless interface', 'netsh');
  const s = base('netsh', kv.get('Name') ?? null);
  if (kv.get('State') !== 'connected') return s;
  s.connected = true;
  s.ssid = kv.get('SSID') ?? null;
  s.bssid = (kv.get('AP BSSID') ?? kv.get('BSSID'))?.toLowerCase() ?? null;
  s.channel = int(kv.get('Channel'));
  s.txRateMbps = int(kv.get('Transmit rate (Mbps)')) ?? int(kv.get('Receive rate (Mbps)'));
  s.signalPercent = int(kv.get('Signal'));
  s.rssiDbm = int(kv.get('Rssi'));
  return s;
}
