// The Wi-Fi timing reader's commands, answered with published iw outputs (no Wi-Fi on the build machine).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandResult } from './runCommand';
import type { Runner } from './runCommand';
import { SystemNetwork } from './systemNetwork';

const fixture = (name: string): string => readFileSync(join(__dirname, '../../shared/network/fixtures', name), 'utf8');
const ok = (stdout: string): CommandResult => ({ ok: true, missing: false, denied: false, timedOut: false, code: 0, stdout, stderr: '' });
const fail = (stderr: string, denied = false): CommandResult => ({ ok: false, missing: false, denied, timedOut: false, code: 1, stdout: '', stderr });

/** A runner that answers each command line from a table, and records what was asked. */
function runner(answers: Record<string, CommandResult>, asked: string[]): Runner {
  return (cmd, args) => {
    const line = [cmd, ...args].join(' ');
    asked.push(line);
    return Promise.resolve(answers[line] ?? { ...fail(''), missing: true });
  };
}

const IW_DEV = 'phy#0\n\tInterface wlp3s0\n\t\tifindex 3\n\t\ttype managed\n';

describe('SystemNetwork.wifiTiming on Linux', () => {
  it('reads the link, the station dump and power save with iw', async () => {
    const asked: string[] = [];
    const net = new SystemNetwork('linux', runner({ 'iw dev': ok(IW_DEV), 'iw dev wlp3s0 link': ok(fixture('linux-iw-dev-link-wlp3s0-aterm.txt')), 'iw dev wlp3s0 station dump': ok(fixture('linux-iw-station-dump-wlp3s0-aterm.txt')), 'iw dev wlp3s0 get power_save': ok(fixture('linux-iw-get-power-save-on.txt')) }, asked));
    const t = await net.wifiTiming(null);
    expect(t).toMatchObject({ iface: 'wlp3s0', beaconIntervalTu: 100, dtimPeriod: 1, powerSave: true, beaconLoss: 0, note: null });
    expect(asked).toEqual(['iw dev', 'iw dev wlp3s0 link', 'iw dev wlp3s0 station dump', 'iw dev wlp3s0 get power_save']);
  });
  it('says what iw refused, and keeps what it did say', async () => {
    const net = new SystemNetwork('linux', runner({ 'iw dev': ok(IW_DEV), 'iw dev wlp3s0 link': ok(fixture('linux-iw-dev-link-3drobotics.txt').replace('wlan0', 'wlp3s0')), 'iw dev wlp3s0 station dump': fail('command failed: Operation not permitted (-1)', true), 'iw dev wlp3s0 get power_save': ok(fixture('linux-iw-get-power-save-off.txt')) }, []));
    const t = await net.wifiTiming(null);
    expect(t).toMatchObject({ beaconIntervalTu: 85, dtimPeriod: null, powerSave: false });
    expect(t!.note).toBe('iw did not say the DTIM period for wlp3s0 (station dump: not permitted).');
  });
  it('a stream on another interface, or no associated link, has no Wi-Fi timing', async () => {
    const answers = { 'iw dev': ok(IW_DEV), 'iw dev wlp3s0 link': ok(fixture('linux-iw-dev-link-wlp3s0-aterm.txt')) };
    expect(await new SystemNetwork('linux', runner(answers, [])).wifiTiming('eth0')).toBeNull();
    expect(await new SystemNetwork('linux', runner({ 'iw dev': ok(IW_DEV), 'iw dev wlp3s0 link': ok('Not connected.\n') }, [])).wifiTiming(null)).toBeNull();
  });
});

describe('SystemNetwork.wifiTiming on Windows', () => {
  it('a connected link whose netsh output has no timing says so', async () => {
    const net = new SystemNetwork('win32', runner({ 'netsh wlan show interfaces': ok(fixture('windows-netsh-wlan-show-interfaces-atheros.txt')) }, []));
    const t = await net.wifiTiming(null);
    expect(t).toMatchObject({ iface: 'Wi-Fi', source: 'netsh', beaconIntervalTu: null, dtimPeriod: null, powerSave: null });
    expect(t!.note).toContain('does not show');
  });
});
