import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { TimelineLog } from '../kernel/timeline';
import { NetworkWatcher } from './networkWatcher';
import type { CommandResult } from './runCommand';
import type { Runner } from './runCommand';
import { SystemNetwork } from './systemNetwork';

const fixture = (name: string): string => readFileSync(join(__dirname, '../../shared/network/fixtures', name), 'utf8');
const ok = (stdout: string): CommandResult => ({ ok: true, missing: false, denied: false, timedOut: false, code: 0, stdout, stderr: '' });
const missing: CommandResult = { ok: false, missing: true, denied: false, timedOut: false, code: null, stdout: '', stderr: '' };

/** A Linux machine whose tools print the lab captures; `state` changes what they print next. */
function fakeLinux(state: { addr: string; route: string }): Runner {
  return async (cmd, args) => {
    const line = `${cmd} ${args.join(' ')}`;
    if (line === 'ip -d -j addr') return ok(state.addr);
    if (line === 'ip -j route') return ok(state.route);
    if (line === 'ip -j -6 route') return ok(fixture('linux-ip-j-6-route-lab.json'));
    return missing;
  };
}

describe('NetworkWatcher on a Linux machine (tool outputs replayed from the lab captures)', () => {
  it('posts each change to the timeline with source network and the right severity, and keeps tunnel history', async () => {
    const addr = fixture('linux-ip-d-j-addr-lab-tun-bridge-veth.json');
    const state = { addr, route: fixture('linux-ip-j-route-lab-split-tun.json') };
    const timeline = new TimelineLog();
    const seen: string[] = [];
    const w = new NetworkWatcher({ reader: new SystemNetwork('linux', fakeLinux(state)), post: (e) => timeline.post(e), onChange: (c) => seen.push(c.kind) });
    const first = await w.sample();
    expect(first.tunnelCount).toBe(1);
    expect(first.defaults[0]).toMatchObject({ capturedBy: 'tun0', captureStyle: 'split' });
    expect(first.wifi).toMatchObject({ available: false, reason: 'not available: iw not installed (nor nmcli)' });
    expect(timeline.list()).toEqual([]);

    // v73a taken down, the tunnel and its half routes gone.
    const parsed = JSON.parse(addr) as Array<{ ifname: string; flags: string[] }>;
    const down = parsed.filter((i) => i.ifname !== 'tun0').map((i) => (i.ifname === 'v73a' ? { ...i, flags: ['BROADCAST', 'MULTICAST'] } : i));
    state.addr = JSON.stringify(down);
    state.route = JSON.stringify([{ dst: 'default', gateway: '10.98.73.1', dev: 'v73a', flags: [] }]);
    await w.sample(true);
    const events = timeline.list().map((e) => `${e.source} ${e.severity} ${e.kind}: ${e.summary}`);
    expect(events).toEqual([
      'network warning interface-down: v73a went down (switched off)',
      'network warning interface-removed: tun0 disappeared (VPN tunnel)',
      'network warning default-route-changed: IPv4 default route now via v73a (10.98.73.1), was via tun0',
      'network info vpn-released-default: VPN tunnel tun0 no longer carries all IPv4 traffic',
      'network info tunnel-count-changed: Tunnel interfaces: 1 → 0',
    ]);
    expect(seen).toHaveLength(5);
    expect(w.history().map((p) => p.tunnelCount)).toEqual([1, 0]);
    expect(w.recentChanges()).toHaveLength(5);
  });

  it('says which Wi-Fi tool is missing, and reads iw when it is there', async () => {
    const iwOnly: Runner = async (cmd, args) => {
      if (cmd === 'iw' && args[0] === 'dev' && args.length === 1) return ok(fixture('linux-iw-dev-CONSTRUCTED.txt'));
      if (cmd === 'iw') return ok(fixture('linux-iw-dev-link-3drobotics.txt'));
      return missing;
    };
    expect(await new SystemNetwork('linux', iwOnly).wifi()).toMatchObject({ available: true, source: 'iw', iface: 'wlp2s0', ssid: '3DRobotics', rssiDbm: -37 });
    const noWifi: Runner = async (cmd) => (cmd === 'iw' ? ok('') : missing);
    expect(await new SystemNetwork('linux', noWifi).wifi()).toMatchObject({ available: false, reason: 'no Wi-Fi interface (iw lists none)' });
  });

  it('one sample at a time: a slow tool does not pile up processes', async () => {
    let calls = 0;
    // A tool that answers only when the test lets it: the three samples surely overlap.
    let answer = (): void => undefined;
    const answered = new Promise<void>((r) => (answer = r));
    const slow: Runner = async (cmd, args) => {
      if (cmd === 'ip' && args[0] === '-d') calls++;
      await answered;
      return fakeLinux({ addr: fixture('linux-ip-d-j-addr-lab-tun-bridge-veth.json'), route: '[]' })(cmd, args);
    };
    const w = new NetworkWatcher({ reader: new SystemNetwork('linux', slow) });
    const samples = Promise.all([w.sample(), w.sample(), w.sample()]);
    await vi.waitFor(() => expect(calls).toBe(1));
    answer();
    await samples;
    expect(calls).toBe(1);
  });
});

describe('SystemNetwork on macOS (tool outputs replayed from published captures)', () => {
  const mac: Runner = async (cmd, args) => {
    if (cmd === 'ifconfig') return ok(fixture('macos-ifconfig-10.14.6-5-utun.txt'));
    if (cmd === 'netstat' && args[0] === '-rn') return ok(fixture('macos-netstat-rnl-10.14.6-PARTIAL.txt'));
    if (cmd.endsWith('/airport')) return ok(fixture('macos-airport-I-10.14.6.txt'));
    if (cmd === 'route') return ok(fixture('macos-route-n-get-default-utun5-no-gateway.txt'));
    return missing;
  };
  it('counts five utun tunnels, reads Wi-Fi from airport and marks en0 as Wi-Fi once known', async () => {
    const w = new NetworkWatcher({ reader: new SystemNetwork('darwin', mac) });
    const s = await w.sample();
    expect(s.tunnelCount).toBe(5);
    expect(s.wifi).toMatchObject({ source: 'airport', ssid: 'SnazzleDazzle', rssiDbm: -66 });
    expect(s.defaults.map((d) => d.iface)).toEqual(['en0', 'en0']);
    const again = await w.sample(true);
    expect(again.interfaces.find((i) => i.name === 'en0')?.kind).toBe('wifi');
    expect(await w.reader.routeTo('8.8.8.8')).toMatchObject({ iface: 'utun5', error: null });
  });
});
