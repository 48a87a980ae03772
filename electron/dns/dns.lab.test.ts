// The DNS commands end to end in the lab (lab/netns.ts), subnet 10.98.40.0/24, fd00:98:40::/64:
// dnsmasq is the resolver in the device namespace; `gapscope dns …` runs in the inspector namespace,
// whose system resolver is the device's dnsmasq through /etc/netns/<inspector>/resolv.conf (which
// `ip netns exec` bind-mounts over /etc/resolv.conf). So the live resolver reader reads a real file,
// and every query stays on the veth. Needs root, iproute2, dnsmasq and `npm run build` (the commands
// run as the real CLI, bin/gapscope.js).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GAPSCOPE_BIN } from '../../lab/gapscope';
import { createLabPair, listLabNamespaces, type LabPair } from '../../lab/netns';
import { REPO_DIR } from '../../lab/streams';
import type { DnsProbeResult } from './dnsProbe';
import type { SystemResolvers } from './resolverReader';

const SUBNET = 40;
const BIG_TXT = ['a', 'b', 'c'].map((c) => c.repeat(200));

let pair: LabPair;
let netnsEtc: string | null = null;
const removeNetnsEtc = (): void => {
  if (netnsEtc) rmSync(netnsEtc, { recursive: true, force: true });
};
process.on('exit', removeNetnsEtc);

const dev = { dns: '', silent: '', closed: '', dns6: '' };

async function gapscope(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return pair.inspector.exec('node', [GAPSCOPE_BIN, 'dns', ...args], { cwd: REPO_DIR, allowFailure: true, timeoutMs: 30_000 });
}

async function probe(args: string[]): Promise<{ code: number | null; results: DnsProbeResult[] }> {
  const r = await gapscope(['probe', ...args, '--json']);
  try {
    return { code: r.code, results: (JSON.parse(r.stdout) as { results: DnsProbeResult[] }).results };
  } catch {
    throw new Error(`gapscope dns probe ${args.join(' ')} printed no JSON (exit ${r.code}): ${r.stdout} ${r.stderr}`);
  }
}

describe('gapscope dns in the lab, against dnsmasq', () => {
  beforeAll(async () => {
    execFileSync('which', ['dnsmasq']);
    pair = await createLabPair({ subnet: SUBNET });
    const { device, inspector } = pair;
    const v4 = device.ipv4.replace(/\.1$/, '');
    dev.dns = device.ipv4;
    dev.dns6 = device.ipv6;
    dev.silent = `${v4}.3`;
    dev.closed = `${v4}.4`;
    for (const a of [dev.silent, dev.closed]) await device.exec('ip', ['addr', 'add', `${a}/24`, 'dev', device.iface]);

    netnsEtc = join('/etc/netns', inspector.ns);
    mkdirSync(netnsEtc, { recursive: true });
    writeFileSync(join(netnsEtc, 'resolv.conf'), `# lab resolver\nnameserver ${dev.dns}\nsearch corp.lab.test lab.test\noptions ndots:2 timeout:1\n`);

    const dnsmasq = device.spawn('dnsmasq', [
      '--no-daemon', '--no-resolv', '--no-hosts', '--bind-interfaces', '--pid-file=', '--user=root',
      `--listen-address=${dev.dns}`, `--listen-address=${dev.dns6}`,
      `--host-record=gdl90.lab.test,${dev.dns}`, `--host-record=printer.lab.test,${v4}.7`,
      // Three 200-character strings: more than 512 bytes, so a query without EDNS gets TC over UDP.
      `--txt-record=big.lab.test,${BIG_TXT.join(',')}`,
    ]);
    await device.waitForUdpSocket(dnsmasq.pid, 53, 10_000);
    // A DNS server that stays silent: a socket on port 53 that never answers.
    const silent = device.spawn('node', ['-e', `require('node:dgram').createSocket('udp4').bind(53, '${dev.silent}'); setInterval(() => {}, 1e6)`]);
    await device.waitForUdpSocket(silent.pid, 53, 10_000);
  });

  afterAll(async () => {
    await pair?.teardown();
    removeNetnsEtc();
    expect(listLabNamespaces().filter((n) => n.includes(`-${process.pid}-`))).toEqual([]);
  });

  it('reads the namespace\u2019s own resolv.conf as the system configuration, and Node\u2019s resolver agrees', async () => {
    const r = await gapscope(['resolvers', '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as SystemResolvers;
    expect(list.primarySource).toBe('resolv.conf');
    expect(list.serversInUse.map((s) => s.address)).toEqual([dev.dns]);
    expect(list.searchDomains).toEqual(['corp.lab.test', 'lab.test']);
    expect(list.ndots).toBe(2);
    expect(list.node.servers).toEqual([dev.dns]);
  });

  it('gets the answer for a host record from the system\u2019s server (the default)', async () => {
    const { code, results } = await probe(['gdl90.lab.test']);
    expect(code).toBe(0);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ kind: 'answer', server: dev.dns, rcode: 'NOERROR', transport: 'udp' });
    expect(results[0]?.answers.map((a) => a.data)).toEqual([dev.dns]);
    // Measured, not timed: how long dnsmasq takes is the benchmark's business (scripts/bench-dns.mjs).
    expect(results[0]?.rttMs).toBeGreaterThan(0);
  });

  it('asks over IPv6 too', async () => {
    const { results } = await probe(['printer.lab.test', '--server', dev.dns6]);
    expect(results[0]).toMatchObject({ kind: 'answer', server: dev.dns6 });
    expect(results[0]?.answers[0]?.data).toBe(`${dev.dns.replace(/\.1$/, '')}.7`);
  });

  it('gets REFUSED for a name dnsmasq does not serve', async () => {
    const { code, results } = await probe(['unknown.example', '--server', dev.dns]);
    expect(results[0]).toMatchObject({ kind: 'refused', rcode: 'REFUSED' });
    expect(code).toBe(3);
  });

  it('times out against a server that stays silent', async () => {
    const { results } = await probe(['gdl90.lab.test', '--server', dev.silent, '--timeout', '500']);
    expect(results[0]).toMatchObject({ kind: 'timeout', rttMs: null });
  });

  it('dns probe --fail-on: a condition the probe meets exits 3 and is named on stderr and in the JSON, one it does not meet exits 0', async () => {
    const pass = await gapscope(['probe', 'gdl90.lab.test', '--server', dev.dns, '--json', '--fail-on', 'failures>0,rtt>30s']);
    expect({ code: pass.code, stderr: pass.stderr }).toEqual({ code: 0, stderr: '' });
    expect((JSON.parse(pass.stdout) as { verdict: unknown }).verdict).toMatchObject({ ok: true, failed: [] });

    // Any real answer takes longer than 0 ms: the probe is answered, and the condition alone fails it.
    const slow = await gapscope(['probe', 'gdl90.lab.test', '--server', dev.dns, '--json', '--fail-on', 'rtt>0ms']);
    const report = JSON.parse(slow.stdout) as { results: DnsProbeResult[]; verdict: { ok: boolean; failed: string[]; conditions: { actual: number | null; sentence: string }[] } };
    expect(report.results[0]).toMatchObject({ kind: 'answer' });
    expect(report.verdict).toMatchObject({ ok: false, failed: ['rtt>0ms'] });
    expect(report.verdict.conditions[0]?.actual).toBeCloseTo(report.results[0]!.rttMs!, 3);
    expect(slow.code).toBe(3);
    expect(slow.stderr).toBe(`gapscope: ${report.verdict.conditions[0]!.sentence}\n`);
    expect(slow.stderr).toMatch(/^gapscope: rtt>0ms failed: the slowest answer was .+\.\n$/);

    // A silent server: failures>0 is met, rtt cannot be checked (no answer), both named, in the text output too.
    const silent = await gapscope(['probe', 'gdl90.lab.test', '--server', dev.silent, '--timeout', '300', '--fail-on', 'failures>0', '--fail-on', 'rtt>1s']);
    expect(silent.code).toBe(3);
    expect(silent.stdout).toContain('timeout');
    expect(silent.stderr.trim().split('\n')).toEqual(['gapscope: failures>0 failed: the number of probes without an answer was 1.', 'gapscope: rtt>1s could not be checked: no server answered.']);

    const bad = await gapscope(['probe', 'gdl90.lab.test', '--server', dev.dns, '--fail-on', 'loss>1%']);
    expect({ code: bad.code, stdout: bad.stdout }).toEqual({ code: 2, stdout: '' });
    expect(bad.stderr).toBe('gapscope: --fail-on: "loss>1%" is a condition for listen and analyze; dns watch and dns probe take rtt and failures.\n');
  });

  it('sees ICMP port unreachable from a host with nothing on port 53', async () => {
    const { results } = await probe(['gdl90.lab.test', '--server', dev.closed, '--timeout', '3000']);
    expect(results[0]).toMatchObject({ kind: 'port-unreachable', errno: 'ECONNREFUSED' });
  });

  it('sees network unreachable for an address with no route (the inspector has no default route)', async () => {
    const { results } = await probe(['gdl90.lab.test', '--server', '192.0.2.1', '--timeout', '3000']);
    expect(results[0]).toMatchObject({ kind: 'network-unreachable', errno: 'ENETUNREACH' });
  });

  it('previews the search list with the namespace\u2019s ndots and domains, and finds the name that answers', async () => {
    const r = await gapscope(['search', 'printer', '--json']);
    const report = JSON.parse(r.stdout) as { steps: { name: string; result: DnsProbeResult }[]; resolvedBy: string | null; ndots: number };
    expect(report.ndots).toBe(2);
    expect(report.steps.map((s) => s.name)).toEqual(['printer.corp.lab.test', 'printer.lab.test', 'printer']);
    expect(report.steps.map((s) => s.result.kind)).toEqual(['refused', 'answer', 'refused']);
    expect(report.resolvedBy).toBe('printer.lab.test');
    expect(r.code).toBe(0);
  });

  it('retries over TCP when dnsmasq truncates the UDP reply', async () => {
    const { results } = await probe(['big.lab.test', '--server', dev.dns, '--type', 'TXT', '--no-edns']);
    expect(results[0]).toMatchObject({ kind: 'answer', truncated: true, transport: 'tcp', rcode: 'NOERROR' });
    expect(results[0]?.answers[0]?.data).toBe(BIG_TXT.map((t) => `"${t}"`).join(' '));
    const edns = await probe(['big.lab.test', '--server', dev.dns, '--type', 'TXT']);
    expect(edns.results[0]).toMatchObject({ kind: 'answer', truncated: false, transport: 'udp' });
  });

  it('loads dnsmasq at 5000 queries/s without losing queries or file descriptors', async () => {
    const r = await gapscope(['load', '--server', dev.dns, '--qps', '5000', '--duration', '3', '--name', 'gdl90.lab.test', '--json']);
    const report = JSON.parse(r.stdout) as { sent: number; answered: number; lost: number; rcodes: Record<string, number>; latencyMs: { p50: number; p99: number }; fds: { before: number; after: number } };
    // A busy machine falls behind the target rate, never ahead; the rate is measured in scripts/bench-dns.mjs, not here.
    expect(report.sent).toBeGreaterThan(0);
    expect(report.sent).toBeLessThanOrEqual(15_001);
    expect(report.answered + report.lost).toBe(report.sent);
    expect(report.answered / report.sent).toBeGreaterThan(0.98);
    expect(report.rcodes.NOERROR).toBe(report.answered);
    expect(report.latencyMs.p50).toBeGreaterThan(0);
    expect(report.fds.after).toBe(report.fds.before);
  });

  it('load -d: the queries of a dnsperf-format file in turn, each answered as dnsmasq answers that name', async () => {
    // Not in /etc/netns/<ns>/: `ip netns exec` bind-mounts every file there over /etc.
    const dir = mkdtempSync(join(tmpdir(), 'gs-dnslab-'));
    const file = join(dir, 'queries.txt');
    // dnsmasq serves the host record and refuses a name it does not know (--no-resolv: nothing upstream).
    writeFileSync(file, '; two queries in turn\ngdl90.lab.test A\nunknown.example A\n');
    const r = await gapscope(['load', '--server', dev.dns, '--qps', '2000', '--duration', '2', '-d', file, '--json']);
    const report = JSON.parse(r.stdout) as { sent: number; answered: number; lost: number; queries: number; rcodes: Record<string, number> };
    expect(report.queries).toBe(2);
    expect(report.lost).toBe(0);
    expect(report.answered).toBe(report.sent);
    // Sent alternately: half of them (the odd one out at most) are each name's.
    expect(report.rcodes.NOERROR).toBe(Math.ceil(report.sent / 2));
    expect(report.rcodes.REFUSED).toBe(Math.floor(report.sent / 2));
    const bad = await gapscope(['load', '--server', dev.dns, '--qps', '10', '--duration', '1', '-d', join(dir, 'none.txt')]);
    rmSync(dir, { recursive: true });
    expect({ code: bad.code, stdout: bad.stdout }).toEqual({ code: 2, stdout: '' });
    expect(bad.stderr).toMatch(/^gapscope: -d .*none\.txt cannot be read: no such file\.\n$/);
  });

  it('load --ramp: the rate rises to the target, and the highest answered rate is one that dnsmasq answered', async () => {
    const r = await gapscope(['load', '--server', dev.dns, '--qps', '10000', '--duration', '3', '--ramp', '--name', 'gdl90.lab.test', '--json']);
    const report = JSON.parse(r.stdout) as { sent: number; answered: number; lost: number; ramp: { stepS: number; steps: { targetQps: number; sentQps: number; answeredQps: number }[]; maxAnsweredQps: number; atTargetQps: number } };
    const { ramp } = report;
    expect(ramp.steps).toHaveLength(10);
    expect(ramp.steps[0]!.targetQps).toBe(500);
    expect(ramp.steps.at(-1)!.targetQps).toBe(9500);
    // Never ahead of the ramp: the first step owes 10000·0.3²/(2·3) = 150 queries (+1 at the start).
    expect(ramp.steps[0]!.sentQps * ramp.stepS).toBeLessThanOrEqual(151);
    expect(report.answered + report.lost).toBe(report.sent);
    expect(ramp.maxAnsweredQps).toBeGreaterThan(0);
    expect(ramp.maxAnsweredQps).toBe(Math.max(...ramp.steps.map((s) => s.answeredQps)));
  });

  it('load --tcp: dnsmasq answers on the pool’s TCP connections, a connection it closes is replaced, and none outlives the run', async () => {
    const r = await gapscope(['load', '--server', dev.dns, '--qps', '1000', '--duration', '2', '--tcp', '--sockets', '2', '--name', 'gdl90.lab.test', '--json']);
    const report = JSON.parse(r.stdout) as { sent: number; answered: number; lost: number; transport: string; rcodes: Record<string, number>; errors: Record<string, number>; fds: { before: number; after: number; socketsBefore: number; socketsAfter: number } };
    expect(report.transport).toBe('tcp');
    expect(report.rcodes).toEqual({ NOERROR: report.answered });
    expect(report.answered + report.lost).toBe(report.sent);
    // dnsmasq closes a TCP connection after 100 queries (TCP_MAX_QUERIES): two connections could
    // never answer more than 200 without being replaced.
    expect(report.answered).toBeGreaterThan(200);
    expect(report.errors['server-closed']).toBeGreaterThanOrEqual(2);
    // Lost only what was in flight on a connection as dnsmasq closed it.
    expect(report.lost).toBeLessThan(report.errors['server-closed']! * 200);
    expect(report.fds.after).toBe(report.fds.before);
    expect(report.fds.socketsAfter).toBe(report.fds.socketsBefore);
  });

  it('load over a longer run: the open file count of the process, read from /proc/self/fd, is the same after as before', async () => {
    const r = await gapscope(['load', '--server', dev.dns, '--qps', '10000', '--duration', '6', '--name', 'gdl90.lab.test', '--json']);
    const report = JSON.parse(r.stdout) as { sent: number; answered: number; fds: { before: number; after: number; socketsBefore: number; socketsAfter: number } };
    expect(report.sent).toBeGreaterThan(5_000);
    expect(report.answered / report.sent).toBeGreaterThan(0.98);
    expect(report.fds.before).toBeGreaterThan(0);
    expect(report.fds.after).toBe(report.fds.before);
    expect(report.fds.socketsAfter).toBe(report.fds.socketsBefore);
  });
});
