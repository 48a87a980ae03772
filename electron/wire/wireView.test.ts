// The wire view's plumbing, with a real capture piped in: an "engine" on PATH named dumpcap (or
// tcpdump) that says what the real one says when it starts and writes a real lab capture
// (electron/capture/fixtures, see its SOURCES.md) to its standard output, then waits to be stopped.
// The real engines on real interfaces are in wire.lab.test.ts.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WireStatus } from '../../shared/contract/reception';
import { wireFilter } from '../../shared/capture/wirePlan';
import { ReceptionMonitor } from '../../shared/reception/receptionMonitor';
import { engineDropsFromStderr, engineFailure, findCaptureEngine } from './captureEngine';
import { WireView } from './wireView';

const FIXTURES = resolve(__dirname, '..', 'capture', 'fixtures');
/** Capture times (tshark -T fields -e frame.time_epoch) of the first datagram to :5000 in eth.pcapng and to :5001 in sll2.pcapng, ms. */
const ETH_5000_FIRST_MS = 1795531664931.195;
const SLL2_5001_FIRST_MS = 1795531664890.3877;

const views: WireView[] = [];
afterEach(async () => {
  for (const v of views.splice(0)) await v.stop();
});

/** A folder holding a fake engine that writes `capture` and prints `startLine` on stderr. */
function fakeEngine(name: 'dumpcap' | 'tcpdump', capture: string, startLine: string, argsFile: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gs-wire-'));
  const script = `#!/bin/sh\necho "$@" > '${argsFile}'\necho $$ > '${argsFile}.pid'\necho "${startLine}" >&2\ncat '${resolve(FIXTURES, capture)}'\nexec sleep 600\n`;
  writeFileSync(join(dir, name), script);
  chmodSync(join(dir, name), 0o755);
  return dir;
}

function run(setup: ConstructorParameters<typeof WireView>[0], epochOfZero: number): { view: WireView; monitor: ReceptionMonitor; states: WireStatus[] } {
  const monitor = new ReceptionMonitor({ binMs: 100, gapMs: 100, decode: 'none' });
  const states: WireStatus[] = [];
  const view = new WireView(setup, monitor, () => epochOfZero, (s) => states.push(s));
  views.push(view);
  view.start();
  return { view, monitor, states };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('WireView on a real pcapng piped in', () => {
  it('reads the flow into the monitor on the stream clock, with the engine told the stream filter', async () => {
    const argsFile = join(mkdtempSync(join(tmpdir(), 'gs-wire-args-')), 'args');
    const path = fakeEngine('dumpcap', 'eth.pcapng', "Capturing on 'vins72'", argsFile);
    const target = { family: 'ipv4' as const, port: 5000, group: null, bindAddress: '10.98.72.2', iface: 'vins72' };
    const { view, monitor, states } = run({ mode: 'beside', target, path, platform: 'linux' }, ETH_5000_FIRST_MS - 1000);
    await until(() => states.some((s) => s.state === 'capturing'), 'capturing');
    // tshark -r eth.pcapng: 325 datagrams to 10.98.72.2:5000 (100-byte payloads), one 300 ms drop.
    await until(() => view.counts.datagrams === 325, '325 datagrams');
    expect(readFileSync(argsFile, 'utf8').trim()).toBe(`-i vins72 -f ${wireFilter(target)} -B 16 -w - -q`);
    expect(wireFilter(target)).toBe('(udp dst port 5000 or ip[6:2] & 0x1fff != 0) and dst host 10.98.72.2');
    await view.stop();
    expect(states.at(-1)).toMatchObject({ mode: 'beside', state: 'stopped', engine: 'dumpcap', iface: 'vins72', error: null });
    const snap = monitor.snapshot(5000);
    expect(snap.totals.packets).toBe(325);
    expect(snap.totals.bytes).toBe(32_500);
    expect(snap.gaps).toHaveLength(1);
    expect(snap.gaps[0]!.durationMs).toBeGreaterThan(300);
    // Time 0 is the stream's: the first datagram sits where its capture time falls on that clock.
    expect(snap.totals.firstPacketMs).toBeCloseTo(1000, 3);
    // The engine is gone once stop() resolves.
    const pid = Number(readFileSync(`${argsFile}.pid`, 'utf8'));
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('reads tcpdump-style Linux cooked captures of the IPv6 flow, and leaves out what came before time 0', async () => {
    const argsFile = join(mkdtempSync(join(tmpdir(), 'gs-wire-args-')), 'args');
    const path = fakeEngine('tcpdump', 'sll2.pcapng', 'tcpdump: listening on any, link-type LINUX_SLL2', argsFile);
    const target = { family: 'ipv6' as const, port: 5001, group: null, bindAddress: '::', iface: null };
    // Time 0 half a second into the IPv6 flow (100 datagrams over about 1 s).
    const { view, states } = run({ mode: 'only', target, path, platform: 'linux', engine: 'tcpdump' }, SLL2_5001_FIRST_MS + 500);
    await until(() => view.counts.datagrams + view.counts.beforeStart === 100, '100 datagrams');
    expect(view.counts.beforeStart).toBeGreaterThan(30);
    expect(view.counts.datagrams).toBeGreaterThan(30);
    expect(readFileSync(argsFile, 'utf8')).toContain('-i any -n -U');
    expect(states.find((s) => s.state === 'capturing')).toMatchObject({ engine: 'tcpdump', iface: 'any', filter: '(udp dst port 5001 or ip[6:2] & 0x1fff != 0 or ip6[6] == 44)' });
  });

  it("a group's wire view counts the link's membership queries, and asks the engine for them", async () => {
    const argsFile = join(mkdtempSync(join(tmpdir(), 'gs-wire-args-')), 'args');
    // tcpdump's own IGMPv2 capture (shared/capture/fixtures/SOURCES.md): 4 queries from 192.168.1.2, reports and leaves.
    const path = fakeEngine('tcpdump', resolve(__dirname, '../../shared/capture/fixtures/tcpdump-IGMP_V2.pcap'), 'tcpdump: listening on vins72', argsFile);
    const target = { family: 'ipv4' as const, port: 5000, group: '225.1.1.5', bindAddress: '0.0.0.0', iface: 'vins72' };
    const firstQueryMs = Date.UTC(2009, 1, 24, 10, 21, 47, 698) + 0.87;
    const { view, states } = run({ mode: 'beside', target, path, platform: 'linux', engine: 'tcpdump' }, firstQueryMs - 1000);
    await until(() => view.counts.frames === 18, 'the 18 frames');
    expect(view.state.querier).toMatchObject({ heard: 4, lastFrom: '192.168.1.2', lastVersion: 'IGMPv2' });
    expect(view.state.querier!.lastAtMs).toBeCloseTo(1000 + 125_069.652, 0);
    expect(states.find((s) => s.state === 'capturing')!.filter).toBe('((udp dst port 5000 or ip[6:2] & 0x1fff != 0) and dst host 225.1.1.5) or igmp');
    // Reports and leaves are not UDP: the monitor saw nothing of them.
    expect(view.counts.datagrams).toBe(0);
  });

  it('says the engine is missing, and how to install it', () => {
    const { states } = run({ mode: 'beside', target: { family: 'ipv4', port: 5000, group: null, bindAddress: '0.0.0.0', iface: null }, path: mkdtempSync(join(tmpdir(), 'gs-empty-')), platform: 'linux' }, 0);
    expect(states).toHaveLength(1);
    expect(states[0]).toMatchObject({ state: 'failed', engine: null });
    expect(states[0]!.error!.message).toMatch(/no capture engine \(dumpcap or tcpdump\) was found on PATH; install .*tshark.* or tcpdump\. The socket view goes on without it\.$/);
  });

  it('needs a named interface where there is no "any"', () => {
    const { states } = run({ mode: 'only', target: { family: 'ipv4', port: 5000, group: null, bindAddress: '0.0.0.0', iface: null }, platform: 'darwin' }, 0);
    expect(states[0]).toMatchObject({ state: 'failed', error: { code: 'no-such-interface' } });
  });
});

describe('capture engine words', () => {
  it('finds an engine by kind on PATH, dumpcap first', () => {
    const dir = fakeEngine('tcpdump', 'eth.pcapng', '', '/dev/null');
    expect(findCaptureEngine(undefined, 'linux', { PATH: dir })).toEqual({ kind: 'tcpdump', path: join(dir, 'tcpdump') });
    expect(findCaptureEngine('dumpcap', 'linux', { PATH: dir })).toBeNull();
  });
  it('says how to grant permission, per platform', () => {
    const dumpcap = { kind: 'dumpcap' as const, path: '/usr/bin/dumpcap' };
    // What dumpcap 4.0.17 printed here run as nobody (setpriv).
    const denied = 'dumpcap: You do not have permission to capture on device "lo".\n(socket: Operation not permitted)\nPlease check to make sure you have sufficient permissions.';
    expect(engineFailure(dumpcap, denied, 1, 'linux', 'vins').message).toMatch(/wireshark group.*setcap cap_net_raw,cap_net_admin=eip \/usr\/bin\/dumpcap/);
    expect(engineFailure(dumpcap, denied, 1, 'darwin', 'en0').message).toMatch(/ChmodBPF.*access_bpf/);
    expect(engineFailure(dumpcap, denied, 1, 'win32', 'Ethernet').message).toMatch(/Npcap/);
    expect(engineFailure(dumpcap, 'something else', 2, 'linux', 'vins')).toMatchObject({ code: 'socket-error' });
  });
  it("reads the engine's own drops from what it prints at the end", () => {
    expect(engineDropsFromStderr('tcpdump', '2100 packets captured\n2100 packets received by filter\n7 packets dropped by kernel\n')).toBe(7);
    expect(engineDropsFromStderr('dumpcap', "Packets received/dropped on interface 'any': 2100/0 (pcap:0/dumpcap:0/flushed:0/ps_ifdrop:0) (100.0%)")).toBe(0);
    expect(engineDropsFromStderr('dumpcap', '')).toBeNull();
  });
});
