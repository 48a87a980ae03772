/**
 * Wi-Fi link readers for every OS, from tools that need no special privileges: Linux `iw dev` /
 * `iw dev X link` / `nmcli -t`, macOS `airport -I`, `system_profiler SPAirPortDataType` and
 * `wdutil info`, Windows `netsh wlan show interfaces`.
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

/** `iw dev`: the wireless interfaces ("Interface wlan0" blocks) with their type. */
export function parseIwDev(text: string): { iface: string; type: string | null; ssid: string | null }[] {
  const out: { iface: string; type: string | null; ssid: string | null }[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    const m = /^Interface\s+(\S+)/.exec(t);
    if (m?.[1]) out.push({ iface: m[1], type: null, ssid: null });
    const last = out[out.length - 1];
    if (!last) continue;
    if (t.startsWith('type ')) last.type = t.slice(5).trim();
    if (t.startsWith('ssid ')) last.ssid = t.slice(5);
  }
  return out;
}

/** `iw dev X link`: "Connected to BSSID (on X)", SSID, freq, signal, tx bitrate; or "Not connected." */
export function parseIwLink(iface: string, text: string): WifiState {
  const s = base('iw', iface);
  const head = /Connected to ([0-9a-f:]{17})/i.exec(text);
  if (!head?.[1]) return s;
  s.connected = true;
  s.bssid = head[1].toLowerCase();
  for (const line of text.split('\n')) {
    const t = line.trim();
    const [k, ...rest] = t.split(':');
    const v = rest.join(':').trim();
    if (k === 'SSID') s.ssid = v;
    else if (k === 'freq') s.frequencyMHz = int(v);
    else if (k === 'signal') s.rssiDbm = int(v);
    else if (k === 'tx bitrate') s.txRateMbps = int(v);
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

/** `nmcli -t -f ACTIVE,SSID,BSSID,CHAN,FREQ,RATE,SIGNAL,DEVICE dev wifi list --rescan no`: the active line. */
export function parseNmcliWifi(text: string): WifiState {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const active = lines.map(splitNmcliTerse).find((f) => f[0] === 'yes');
  if (!active) {
    const s = base('nmcli', null);
    return s;
  }
  const [, ssid, bssid, chan, freq, rate, signal, device] = active;
  const s = base('nmcli', device || null);
  s.connected = true;
  s.ssid = ssid || null;
  s.bssid = bssid ? bssid.toLowerCase() : null;
  s.channel = int(chan);
  s.frequencyMHz = int(freq);
  s.txRateMbps = int(rate);
  s.signalPercent = int(signal);
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
 * first interface that has one. The SSID is that block's first key; macOS 14+ shows it as
 * "<redacted>" without Location permission, and there is no BSSID.
 */
export function parseSystemProfilerAirPort(text: string): WifiState {
  const lines = text.split(/\r?\n/);
  let iface: string | null = null;
  const s = base('system_profiler', null);
  for (let i = 0; i < lines.length; i++) {
    const t = (lines[i] ?? '').trim();
    const ifm = /^(en\d+):$/.exec(t);
    if (ifm?.[1]) iface = ifm[1];
    if (t !== 'Current Network Information:') continue;
    s.iface = iface;
    const ssidLine = (lines[i + 1] ?? '').trim();
    if (!ssidLine.endsWith(':')) return s;
    s.connected = true;
    const ssid = ssidLine.slice(0, -1);
    s.ssid = ssid === '<redacted>' ? null : ssid;
    const indent = (l: string): number => l.length - l.trimStart().length;
    const blockIndent = indent(lines[i + 1] ?? '');
    for (let j = i + 2; j < lines.length; j++) {
      const l = lines[j] ?? '';
      if (l.trim() === '') continue;
      if (indent(l) <= blockIndent) break;
      const [k, ...rest] = l.trim().split(':');
      const v = rest.join(':').trim();
      if (k === 'Channel') s.channel = int(v);
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
  return s;
}

/** macOS `wdutil info` (needs administrator rights): the WIFI section's key/value lines. */
export function parseWdutilInfo(text: string): WifiState {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => l.trim() === 'WIFI');
  const section: string[] = [];
  for (let i = start + 1; start >= 0 && i < lines.length; i++) {
    const t = (lines[i] ?? '').trim();
    if (/^[A-Z][A-Z ]+$/.test(t) && t !== 'WIFI') break;
    section.push(lines[i] ?? '');
  }
  const kv = keyValues(section.join('\n'));
  const s = base('wdutil', kv.get('Interface Name') ?? null);
  const bssid = kv.get('BSSID');
  if (!bssid || bssid === 'None') return s;
  s.connected = true;
  const ssid = kv.get('SSID');
  s.ssid = ssid && ssid !== '<redacted>' ? ssid : null;
  s.bssid = /^[0-9a-f:]{17}$/i.test(bssid) ? bssid.toLowerCase() : null;
  s.rssiDbm = int(kv.get('RSSI'));
  s.noiseDbm = int(kv.get('Noise'));
  s.txRateMbps = int(kv.get('Tx Rate'));
  const ch = /(\d+)/.exec(kv.get('Channel')?.replace(/^\d+g/i, '') ?? '');
  s.channel = ch ? Number(ch[1]) : null;
  return s;
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
