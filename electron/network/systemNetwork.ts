/**
 * Reads the machine's network context with the OS's own tools: Linux iproute2 (`ip -j`), iw or
 * nmcli and /proc/net; macOS ifconfig, netstat, route, airport/system_profiler; Windows PowerShell
 * and netsh. Polling these tools needs no netlink or native module, so the same code runs in
 * Electron, the CLI and web mode, inside a lab namespace too (see NetworkWatcher for the rate).
 */
import { readFile } from 'node:fs/promises';
import { parseIpRouteGetJson, parseIpRouteJson } from '../../shared/network/linuxIp';
import { parseNetstatRn, parseRouteGet } from '../../shared/network/macos';
import { countNetstatAn, countSockets } from '../../shared/network/procNet';
import type { NetInterface, RouteEntry, RouteLookup, SocketCounts, WifiState } from '../../shared/network/types';
import { wifiUnavailable } from '../../shared/network/types';
import { iwTiming, parseIwPowerSave, parseIwStationDump, timingNotShown, type WifiLinkTiming } from '../../shared/network/wifiTiming';
import { NMCLI_WIFI_FIELDS, parseAirportI, parseIwDev, parseIwLink, parseNetshWlanInterfaces, parseNmcliWifi, parseSystemProfilerAirPort } from '../../shared/network/wifi';
import { GET_NET_ROUTE_COMMAND, findNetRouteCommand, parseFindNetRouteJson, parseGetNetRouteJson } from '../../shared/network/windows';
import { readInterfaces } from './interfaces';
import { runCommand, spawnTool, type CommandResult, type Runner } from './runCommand';

const AIRPORT = '/System/Library/PrivateFrameworks/Apple80211.framework/Versions/Current/Resources/airport';

/** The readers for one platform. */
export class SystemNetwork {
  private wifiIfaceHint: string | null = null;
  /** When no Wi-Fi tool is installed, the answer is kept for a minute instead of trying every second. */
  private wifiMissingUntil = 0;
  private wifiMissing: WifiState | null = null;

  constructor(
    readonly platform: NodeJS.Platform = process.platform,
    private readonly run: Runner = runCommand,
  ) {}

  /**
   * Calls `onHint` whenever the OS announces a link, address or route change (Linux `ip monitor`,
   * macOS `route -n monitor`), so that the watcher samples at once instead of at its next tick.
   * The announcement is only a hint: the state itself is always read with the tools above. Returns
   * the function that stops listening, or null when there is no monitor on this platform.
   */
  monitor(onHint: () => void): (() => void) | null {
    const cmd = this.platform === 'linux' ? ['ip', 'monitor', 'link', 'address', 'route'] : this.platform === 'darwin' ? ['route', '-n', 'monitor'] : null;
    if (!cmd) return null;
    let stopped = false;
    // Under the watchdog (runCommand.ts): the monitor ends with the back end, SIGKILL included.
    const child = spawnTool(cmd[0] as string, cmd.slice(1));
    child.on('error', () => undefined);
    child.stdout?.on('data', () => {
      if (!stopped) onHint();
    });
    child.unref();
    (child.stdout as unknown as { unref?: () => void } | null)?.unref?.();
    return () => {
      stopped = true;
      child.kill();
    };
  }

  /** Every interface with kind, flags, MTU and addresses, from the OS's own tool (interfaces.ts). */
  interfaces(): Promise<NetInterface[]> {
    return readInterfaces(this.platform, this.run, this.wifiIfaceHint);
  }

  /** The routing table, both families. */
  async routes(): Promise<RouteEntry[]> {
    if (this.platform === 'linux') {
      const [v4, v6] = await Promise.all([this.run('ip', ['-j', 'route']), this.run('ip', ['-j', '-6', 'route'])]);
      const parse = (r: CommandResult, family: 'ipv4' | 'ipv6'): RouteEntry[] => {
        try {
          return r.ok ? parseIpRouteJson(r.stdout, family) : [];
        } catch {
          return [];
        }
      };
      return [...parse(v4, 'ipv4'), ...parse(v6, 'ipv6')];
    }
    if (this.platform === 'darwin') {
      const r = await this.run('netstat', ['-rn']);
      return r.ok ? parseNetstatRn(r.stdout) : [];
    }
    if (this.platform === 'win32') {
      const r = await this.run('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', GET_NET_ROUTE_COMMAND], 10_000);
      try {
        return r.ok ? parseGetNetRouteJson(r.stdout) : [];
      } catch {
        return [];
      }
    }
    return [];
  }

  /** Which interface and source address the OS would use to reach `ip` (an address, never a name). */
  async routeTo(ip: string): Promise<RouteLookup> {
    if (this.platform === 'linux') {
      const r = await this.run('ip', ['-j', ...(ip.includes(':') ? ['-6'] : []), 'route', 'get', ip]);
      if (r.missing) return { destination: ip, iface: null, source: null, gateway: null, error: 'not available: ip (iproute2) not installed' };
      try {
        return parseIpRouteGetJson(ip, r.ok ? r.stdout : '', r.stderr || (r.ok ? '' : 'route lookup failed'));
      } catch (e) {
        return { destination: ip, iface: null, source: null, gateway: null, error: (e as Error).message };
      }
    }
    if (this.platform === 'darwin') {
      const r = await this.run('route', ['-n', 'get', ...(ip.includes(':') ? ['-inet6'] : []), ip]);
      return parseRouteGet(ip, r.stdout, r.stderr);
    }
    if (this.platform === 'win32') {
      const r = await this.run('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', findNetRouteCommand(ip)], 10_000);
      try {
        return parseFindNetRouteJson(ip, r.stdout, r.stderr);
      } catch (e) {
        return { destination: ip, iface: null, source: null, gateway: null, error: (e as Error).message };
      }
    }
    return { destination: ip, iface: null, source: null, gateway: null, error: `route lookup is not available on ${this.platform}` };
  }

  /** The Wi-Fi link, or why it cannot be read (a plain state, never an error). */
  async wifi(): Promise<WifiState> {
    const w = await this.readWifi();
    if (w.iface) this.wifiIfaceHint = w.iface;
    return w;
  }

  /**
   * The Wi-Fi link's beacon interval, DTIM period and power save, for the reception view's Wi-Fi
   * rhythm; null when no Wi-Fi link is associated (or `iface` names another kind of interface).
   * Linux: iw's link, station dump and get power_save; elsewhere the link alone, whose tools say none of the three.
   */
  async wifiTiming(iface: string | null = null): Promise<WifiLinkTiming | null> {
    const w = await this.wifi();
    if (!w.available || !w.connected || (iface !== null && w.iface !== null && iface !== w.iface)) return null;
    const now = Date.now();
    if (this.platform !== 'linux' || w.source !== 'iw' || !w.iface) return timingNotShown(w.iface, this.platform === 'win32' ? 'netsh' : 'system_profiler', now);
    const [station, ps] = await Promise.all([this.run('iw', ['dev', w.iface, 'station', 'dump'], 3000), this.run('iw', ['dev', w.iface, 'get', 'power_save'], 3000)]);
    const failed = [station.ok ? null : `station dump: ${station.denied ? 'not permitted' : station.stderr.trim().split('\n')[0] || 'failed'}`, ps.ok ? null : `get power_save: ${ps.denied ? 'not permitted' : ps.stderr.trim().split('\n')[0] || 'failed'}`].filter((f) => f !== null);
    return iwTiming(w.iface, { link: w, station: station.ok ? parseIwStationDump(station.stdout) : null, powerSave: ps.ok ? parseIwPowerSave(ps.stdout) : null, failed }, now);
  }

  private async readWifi(): Promise<WifiState> {
    if (this.wifiMissing && Date.now() < this.wifiMissingUntil) return this.wifiMissing;
    if (this.platform === 'linux') {
      const dev = await this.run('iw', ['dev'], 3000);
      if (dev.ok) {
        const managed = parseIwDev(dev.stdout).filter((d) => d.type === null || d.type === 'managed');
        // A second, unassociated client radio (a USB dongle, a test rig's hwsim) must not hide the connected one.
        const first = managed.find((d) => d.ssid !== null) ?? managed[0];
        if (!first) return wifiUnavailable('no Wi-Fi interface (iw lists none)', 'iw');
        const link = await this.run('iw', ['dev', first.iface, 'link'], 3000);
        if (!link.ok) return wifiUnavailable(link.denied ? `not available: iw dev ${first.iface} link was not permitted` : `not available: iw dev ${first.iface} link failed (${link.stderr.trim() || 'no output'})`, 'iw');
        return parseIwLink(first.iface, link.stdout);
      }
      const nm = await this.run('nmcli', ['-t', '-f', NMCLI_WIFI_FIELDS.join(','), 'dev', 'wifi', 'list', '--rescan', 'no'], 3000);
      if (nm.ok) return parseNmcliWifi(nm.stdout);
      if (dev.missing && nm.missing) {
        this.wifiMissing = wifiUnavailable('not available: iw not installed (nor nmcli)');
        this.wifiMissingUntil = Date.now() + 60_000;
        return this.wifiMissing;
      }
      if (dev.missing) return wifiUnavailable(`not available: iw not installed, and nmcli failed (${nm.stderr.trim().split('\n')[0] || 'no output'})`, 'nmcli');
      return wifiUnavailable(dev.denied ? 'not available: iw was not permitted' : `not available: iw failed (${dev.stderr.trim().split('\n')[0] || 'no output'})`, 'iw');
    }
    if (this.platform === 'darwin') {
      const air = await this.run(AIRPORT, ['-I'], 3000);
      if (air.ok && /BSSID|AirPort: Off|state:/.test(air.stdout)) return parseAirportI(air.stdout, this.wifiIfaceHint ?? 'en0');
      // airport is gone since macOS 14.4; system_profiler needs no privileges but hides the SSID without Location access.
      const sp = await this.run('system_profiler', ['SPAirPortDataType'], 15_000);
      if (sp.ok) return parseSystemProfilerAirPort(sp.stdout);
      return wifiUnavailable(sp.missing ? 'not available: system_profiler not found' : 'not available: system_profiler SPAirPortDataType failed', 'system_profiler');
    }
    if (this.platform === 'win32') {
      const r = await this.run('netsh', ['wlan', 'show', 'interfaces'], 5000);
      if (r.ok) return parseNetshWlanInterfaces(r.stdout);
      return wifiUnavailable(/location/i.test(r.stdout + r.stderr) ? 'not available: Windows requires Location permission for Wi-Fi details (Settings > Privacy & security > Location)' : 'not available: netsh wlan failed (WLAN AutoConfig service not running?)', 'netsh');
    }
    return wifiUnavailable(`not available on ${this.platform}`);
  }

  /** System-wide UDP and TCP socket counts (Linux: this network namespace). */
  async sockets(): Promise<SocketCounts | null> {
    if (this.platform === 'linux') {
      const read = (f: string): Promise<string> => readFile(`/proc/net/${f}`, 'utf8').catch(() => '');
      const [tcp, tcp6, udp, udp6] = await Promise.all(['tcp', 'tcp6', 'udp', 'udp6'].map(read));
      return countSockets({ tcp, tcp6, udp, udp6 });
    }
    const r = await this.run('netstat', ['-an'], 10_000);
    return r.ok ? countNetstatAn(r.stdout) : null;
  }
}
