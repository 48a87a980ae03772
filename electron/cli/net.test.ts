import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { CommandResult } from '../network/runCommand';
import type { Runner } from '../network/runCommand';
import { SystemNetwork } from '../network/systemNetwork';
import { createNetworkService } from '../network/networkService';
import { parseHostPort, registerNetCommands } from './net';
import { featureApi } from './testing/featureApi';
import { Ajv2020 } from 'ajv/dist/2020.js';

const fixture = (name: string): string => readFileSync(join(__dirname, '../../shared/network/fixtures', name), 'utf8');
const ok = (stdout: string): CommandResult => ({ ok: true, missing: false, denied: false, timedOut: false, code: 0, stdout, stderr: '' });
const missing: CommandResult = { ok: false, missing: true, denied: false, timedOut: false, code: null, stdout: '', stderr: '' };
const labLinux: Runner = async (cmd, args) => {
  const line = `${cmd} ${args.join(' ')}`;
  if (line === 'ip -d -j addr') return ok(fixture('linux-ip-d-j-addr-lab-tun-bridge-veth.json'));
  if (line === 'ip -j route') return ok(fixture('linux-ip-j-route-lab-split-tun.json'));
  if (line === 'ip -j -6 route') return ok(fixture('linux-ip-j-6-route-lab.json'));
  if (line === 'ip -j route get 1.1.1.1') return ok(fixture('linux-ip-j-route-get-via-tun.json'));
  return missing;
};

async function run(args: string[], reader = new SystemNetwork('linux', labLinux)): Promise<{ out: string[]; err: string[]; code: number }> {
  const out: string[] = [];
  const err: string[] = [];
  let code = 0;
  const program = new Command('gapscope').exitOverride();
  registerNetCommands(program, { out: (l) => out.push(l), err: (l) => err.push(l), setExitCode: (c) => (code = c) }, { withApi: featureApi((ctx) => createNetworkService(ctx, { reader, autoStart: false })), untilStopped: () => new Promise((r) => setTimeout(r, 50)) });
  program.commands.forEach((c) => {
    c.exitOverride();
    c.commands.forEach((s) => s.exitOverride());
  });
  await program.parseAsync(['node', 'gapscope', ...args]);
  return { out, err, code };
}

describe('gapscope net', () => {
  it('HOST:PORT parsing with one clear error; the host and the port are checked at the contract\u2019s door', async () => {
    expect(parseHostPort('10.0.0.5:443')).toEqual({ host: '10.0.0.5', port: 443 });
    expect(parseHostPort('[fd00::1]:8443')).toEqual({ host: 'fd00::1', port: 8443 });
    expect(parseHostPort('printer.local:9100')).toEqual({ host: 'printer.local', port: 9100 });
    expect(() => parseHostPort('10.0.0.5')).toThrow(/is not HOST:PORT/);
    // The same sentences as the network view's (they were the CLI's own: "the port must be 1–65535.").
    await expect(run(['net', 'connect', '10.0.0.5:70000'])).rejects.toMatchObject({ code: 'invalid-argument', message: 'Port must be 1–65535.', field: 'port' });
    await expect(run(['net', 'connect', 'bad host!:80'])).rejects.toMatchObject({ code: 'invalid-argument', message: 'The host is not an IP address or host name.', field: 'host' });
    await expect(run(['net', 'route-to', 'bad host!'])).rejects.toMatchObject({ code: 'invalid-argument', message: 'The host is not an IP address or host name.' });
    await expect(run(['net', 'udp-probe', '10.0.0.5:53', '--timeout', '5'])).rejects.toMatchObject({ code: 'invalid-argument', message: 'Timeout must be 100–60000 ms.', field: 'timeoutMs' });
  });
  it('interfaces: text and JSON', async () => {
    const text = await run(['net', 'interfaces']);
    expect(text.out[1]).toMatch(/^tun0\s+VPN tunnel\s+up, no carrier\s+mtu 1500\s+10\.8\.0\.2\/24$/);
    const json = JSON.parse((await run(['net', 'interfaces', '--json'])).out.join('\n')) as Array<{ name: string; kind: string }>;
    expect(json.map((i) => `${i.name}:${i.kind}`)).toEqual(['lo:loopback', 'tun0:vpn-tunnel', 'br73:virtual', 'v73a:virtual']);
  });
  it('routes: the VPN capture is flagged', async () => {
    const r = await run(['net', 'routes']);
    expect(r.out[0]).toBe('IPv4 default: tun0  <- VPN tun0 captures all traffic (half routes)');
    expect(r.out[1]).toBe('IPv6 default: v73a via fd00:98:73::1');
  });
  it('wifi: a missing tool is a plain sentence, not an error', async () => {
    const r = await run(['net', 'wifi']);
    expect(r).toEqual({ out: ['Wi-Fi: not available: iw not installed (nor nmcli)'], err: [], code: 0 });
  });
  it('route-to an address', async () => {
    expect((await run(['net', 'route-to', '1.1.1.1'])).out).toEqual(['1.1.1.1: via tun0 from 10.8.0.2, on-link']);
  });
  it('connect to a closed loopback port: refused, explained, exit 3 (the check failed)', async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    await new Promise((r) => s.close(r));
    const r = await run(['net', 'connect', `127.0.0.1:${port}`, '--timeout', '2000', '--json'], new SystemNetwork());
    const j = JSON.parse(r.out[0] ?? '{}') as { outcome: string; errno: string; explanation: string };
    expect([j.outcome, j.errno, r.code]).toEqual(['refused', 'ECONNREFUSED', 3]);
    expect(j.explanation).toMatch(/nothing listens on that port/);
  });
  it('watch --json prints started and stopped lines', async () => {
    const r = await run(['net', 'watch', '--json', '--interval', '100']);
    const lines = r.out.map((l) => JSON.parse(l) as { type: string });
    expect(lines[0]).toMatchObject({ type: 'started', interfaces: 4, tunnelCount: 1 });
    expect(lines[lines.length - 1]).toMatchObject({ type: 'stopped', changes: 0 });
  });
  it('watch --json-stream: started, a tick a second, a line per change, the report; each line valid by the published schema', async () => {
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(join(__dirname, '../../docs/schema/net-watch-stream.schema.json'), 'utf8')) as object);
    // The same lab fixture, then one address gone: a real change for the watch to see.
    const addrs = JSON.parse(fixture('linux-ip-d-j-addr-lab-tun-bridge-veth.json')) as { ifname: string; addr_info: unknown[] }[];
    const fewer = addrs.map((i, n) => (n === addrs.findIndex((x) => x.addr_info.length > 1) ? { ...i, addr_info: i.addr_info.slice(1) } : i));
    let changed = false;
    const runner: Runner = async (cmd, args) => (changed && `${cmd} ${args.join(' ')}` === 'ip -d -j addr' ? ok(JSON.stringify(fewer)) : labLinux(cmd, args));
    const out: string[] = [];
    const program = new Command('gapscope').exitOverride();
    const stop = (): Promise<void> => new Promise((r) => setTimeout(r, 1400));
    registerNetCommands(program, { out: (l) => out.push(l), err: () => undefined, setExitCode: () => undefined }, { withApi: featureApi((ctx) => createNetworkService(ctx, { reader: new SystemNetwork('linux', runner), autoStart: false })), untilStopped: stop });
    program.commands.forEach((c) => c.commands.forEach((x) => x.exitOverride()));
    const flip = setTimeout(() => (changed = true), 300);
    await program.parseAsync(['node', 'gapscope', 'net', 'watch', '--json-stream', '--interval', '100']);
    clearTimeout(flip);
    const lines = out.map((l) => JSON.parse(l) as { type: string; kind?: string; report?: { changes: number } });
    for (const l of lines) expect(validate(l), `${JSON.stringify(l)}: ${JSON.stringify(validate.errors)}`).toBe(true);
    expect(lines[0]).toMatchObject({ type: 'started', interfaces: 4, tunnelCount: 1, intervalMs: 100 });
    expect(lines.filter((l) => l.type === 'tick').length).toBeGreaterThanOrEqual(1);
    const changes = lines.filter((l) => l.type === 'change');
    expect(changes.map((c) => c.kind)).toContain('address-removed');
    expect(lines.at(-1)).toMatchObject({ type: 'report', report: { changes: changes.length } });
  });
});
