import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
// `gapscope dns …` (electron/cli/dns.ts) parsed from argv on a fresh program, through the DNS contract's
// door to the DNS service, against the loopback test server; the service's resolver reader is replaced
// so that no query can reach this machine's real resolver.
import { Command, CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServerText } from '../../shared/dns/resolverList';
import { GapscopeError } from '../../shared/errors';
import { registerDnsCommands } from '../cli/dns';
import { featureApi } from '../cli/testing/featureApi';
import { createDnsService } from './dnsService';
import type { SystemResolvers } from './resolverReader';
import { startTestDnsServer, type TestDnsServer } from './testing/testDnsServer';

let server: TestDnsServer;
let other: TestDnsServer;
beforeAll(async () => {
  server = await startTestDnsServer();
  other = await startTestDnsServer({ records: { 'host.test': { A: ['10.9.9.9'] }, 'printer.lab.test': { A: ['10.0.0.7'] } } });
});
afterAll(async () => {
  await server.close();
  await other.close();
});

function fakeResolvers(servers: string[], searchDomains: string[] = [], ndots = 1): SystemResolvers {
  return {
    platform: 'linux',
    lists: [],
    primarySource: 'resolv.conf',
    serversInUse: servers.map((s) => ({ ...parseServerText(s), inUse: true, why: 'test' })),
    searchDomains,
    ndots,
    searchRules: 'glibc',
    node: { servers },
    sources: [{ source: '/etc/resolv.conf', ok: true, note: 'read' }],
    notes: [],
  };
}

async function run(args: string[], resolvers: SystemResolvers = fakeResolvers([server.address])): Promise<{ out: string[]; err: string[]; exitCode: number; help: string }> {
  const out: string[] = [];
  const err: string[] = [];
  let help = '';
  let exitCode = 0;
  const program = new Command('gapscope').exitOverride().configureOutput({ writeOut: (s) => (help += s), writeErr: (s) => err.push(s) });
  const dns = registerDnsCommands(program, { out: (l) => out.push(l), err: (l) => err.push(l), setExitCode: (c) => (exitCode = c) }, { withApi: featureApi((ctx) => createDnsService(ctx, { readResolvers: async () => resolvers })) });
  dns.exitOverride();
  for (const c of dns.commands) c.exitOverride();
  try {
    await program.parseAsync(['node', 'gapscope', 'dns', ...args]);
  } catch (e) {
    if (!(e instanceof CommanderError && e.code === 'commander.helpDisplayed')) throw e;
  }
  return { out, err, exitCode, help };
}

describe('gapscope dns probe', () => {
  it('probes the given server and prints JSON', async () => {
    const r = await run(['probe', 'host.test', '--server', server.address, '--json']);
    const report = JSON.parse(r.out.join('\n')) as { name: string; type: string; results: { kind: string; answers: { data: string }[]; server: string }[] };
    expect(report).toMatchObject({ name: 'host.test', type: 'A' });
    expect(report.results).toHaveLength(1);
    expect(report.results[0]).toMatchObject({ kind: 'answer', server: server.address });
    expect(report.results[0]?.answers[0]?.data).toBe('10.1.2.3');
    expect(r.exitCode).toBe(0);
  });

  it('takes the first server in use by default, and every one with --all', async () => {
    const resolvers = fakeResolvers([other.address, server.address]);
    const first = JSON.parse((await run(['probe', 'host.test', '--json'], resolvers)).out.join('')) as { results: { server: string }[] };
    expect(first.results.map((x) => x.server)).toEqual([other.address]);
    const all = JSON.parse((await run(['probe', 'host.test', '--type', 'a', '--all', '--json'], resolvers)).out.join('')) as { results: { server: string; answers: { data: string }[] }[] };
    expect(all.results.map((x) => x.server)).toEqual([other.address, server.address]);
    expect(all.results.map((x) => x.answers[0]?.data)).toEqual(['10.9.9.9', '10.1.2.3']);
    const text = await run(['probe', 'host.test', '--all'], resolvers);
    expect(text.out).toContain('The servers disagree:');
    expect(text.out).toContain(`  NOERROR A 10.9.9.9: ${other.address}`);
    const same = await run(['probe', 'nothing.example', '--all'], resolvers);
    expect(same.out).toContain('All 2 servers give the same answer.');
  });

  it('prints a text line per server and fails (exit 3, a check that failed) when nothing answers', async () => {
    const ok = await run(['probe', 'host.test', '--server', server.address, '--type', 'TXT']);
    expect(ok.out[0]).toBe('host.test TXT:');
    expect(ok.out[1]).toMatch(/answer .* ms {2}NOERROR {2}UDP/);
    expect(ok.out[2]).toContain('"hello" "world"');
    const silent = await run(['probe', 'x.silent.test', '--server', server.address, '--timeout', '200']);
    expect(silent.out[1]).toContain('timeout');
    expect(silent.exitCode).toBe(3);
  });

  // The checks are the contract's (the same sentences as the DNS view's), made before anything is sent.
  it('refuses bad input with clear errors', async () => {
    const before = server.queries.length;
    await expect(run(['probe', 'a..b', '--server', server.address])).rejects.toThrow(GapscopeError);
    await expect(run(['probe', 'host.test', '--server', server.address, '--all'])).rejects.toThrow('either a server or all');
    await expect(run(['probe', 'host.test', '--type', 'BOGUS'])).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/not a DNS record type/) });
    await expect(run(['probe', 'host.test', '--server', 'dns.example'])).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/not a DNS server address/) });
    await expect(run(['probe', 'host.test', '--timeout', '0'])).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/timeout is 1 ms to 60 s/) });
    await expect(run(['probe', 'host.test', '--timeout', 'soon'])).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(run(['probe', 'host.test'], fakeResolvers([]))).rejects.toMatchObject({ code: 'not-found' });
    expect(server.queries.length).toBe(before);
  });

  it('has help text', async () => {
    const probe = (await run(['probe', '--help'])).help;
    expect(probe).toContain('Usage: gapscope dns probe [options] <name>');
    for (const flag of ['--server', '--type', '--all', '--timeout', '--json', 'Examples:']) expect(probe).toContain(flag);
    expect((await run(['search', '--help'])).help).toContain('ndots');
    expect((await run(['resolvers', '--help'])).help).toContain('no DNS');
  });
});

describe('gapscope dns search', () => {
  it('tries the names in the system order and says which one the system would use', async () => {
    const resolvers = fakeResolvers([other.address], ['corp.test', 'lab.test'], 1);
    const r = await run(['search', 'printer', '--json'], resolvers);
    const report = JSON.parse(r.out.join('')) as { steps: { name: string; searchDomain: string | null; result: { kind: string } }[]; resolvedBy: string | null; ndots: number };
    expect(report.steps.map((s) => s.name)).toEqual(['printer.corp.test', 'printer.lab.test', 'printer']);
    expect(report.steps.map((s) => s.result.kind)).toEqual(['refused', 'answer', 'refused']);
    expect(report.resolvedBy).toBe('printer.lab.test');
    expect(r.exitCode).toBe(0);
    const text = await run(['search', 'printer'], resolvers);
    expect(text.out.find((l) => l.includes('<- the system would use this'))).toContain('printer.lab.test');
  });

  it('fails when no name has records', async () => {
    const r = await run(['search', 'nothing', '--server', server.address, '--json'], fakeResolvers([], ['x.test']));
    expect(JSON.parse(r.out.join('')).resolvedBy).toBeNull();
    expect(r.exitCode).toBe(3);
  });
});

describe('gapscope dns resolvers', () => {
  it('prints what the reader found, as text and JSON', async () => {
    const resolvers = fakeResolvers([server.address], ['lab.test'], 2);
    const text = await run(['resolvers'], resolvers);
    expect(text.out[0]).toBe(`Servers in use (resolv.conf): ${server.address}`);
    expect(text.out[1]).toContain('Search list: lab.test  ndots 2');
    const json = JSON.parse((await run(['resolvers', '--json'], resolvers)).out.join('\n')) as SystemResolvers;
    expect(json.serversInUse[0]?.port).toBe(server.port);
  });
});

describe('gapscope dns load', () => {
  it('loads the given server and prints sent, answered, lost and percentiles as JSON', async () => {
    const sigint = process.listenerCount('SIGINT');
    const r = await run(['load', '--server', server.address, '--qps', '500', '--duration', '0.5', '--name', 'host.test', '--timeout', '5000', '--json']);
    const report = JSON.parse(r.out.join('')) as { sent: number; answered: number; lost: number; latencyMs: { p50: number; p90: number; p99: number }; fds: { before: number | null; after: number | null } };
    expect(report.sent).toBeGreaterThan(150);
    expect(report.answered).toBe(report.sent);
    expect(report.lost).toBe(0);
    expect(report.latencyMs.p99).toBeGreaterThan(0);
    expect(report.fds.after).toBe(report.fds.before);
    expect(process.listenerCount('SIGINT')).toBe(sigint); // Ctrl+C handling ends with the run
    const text = await run(['load', '--server', server.address, '--qps', '100', '--duration', '0.2', '--name', 'host.test']);
    expect(text.out[0]).toMatch(/answered, 0 lost/);
    expect(text.out[1]).toMatch(/^latency p50 [\d.]+ ms {2}p90/);
  });

  it('-d sends every query of a dnsperf-format file in turn, over and over, and says how many', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gs-dnsload-')), 'queries.txt');
    writeFileSync(file, '; three queries\nhost.test A\nprinter.lab.test A\n\nhost.test AAAA\n');
    const before = other.queries.length;
    const r = await run(['load', '--server', other.address, '--qps', '300', '--duration', '0.3', '-d', file, '--timeout', '5000', '--json']);
    const report = JSON.parse(r.out.join('')) as { sent: number; answered: number; queries: number; rcodes: Record<string, number>; name: string; type: string };
    expect(report).toMatchObject({ queries: 3, name: 'host.test', type: 'A', answered: report.sent });
    const asked = other.queries.slice(before).map((q) => `${q.name} ${q.type}`);
    expect(asked).toHaveLength(report.sent);
    expect(asked.length).toBeGreaterThanOrEqual(3);
    // UDP replies may arrive in any order; the server sees the queries in the order they were sent.
    asked.forEach((q, i) => expect(q).toBe(['host.test A', 'printer.lab.test A', 'host.test AAAA'][i % 3]));
    const text = await run(['load', '--server', other.address, '--qps', '100', '--duration', '0.2', '-d', file]);
    expect(text.out[0]).toMatch(/ 3 queries in turn: \d+ sent/);
    rmSync(dirname(file), { recursive: true });
  });

  it('-d refuses a bad line by its number, a missing file, and a file given with --name, before anything is sent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gs-dnsload-'));
    const file = join(dir, 'bad.txt');
    writeFileSync(file, 'host.test A\nhost.test\nhost.test NOPE\n');
    const before = server.queries.length;
    await expect(run(['load', '--server', server.address, '--qps', '10', '--duration', '1', '-d', file])).rejects.toMatchObject({
      code: 'invalid-argument',
      message: expect.stringMatching(/^.*bad\.txt has 2 lines that are not queries: line 2 \("host\.test"\): expected a name and a record type .*; line 3 \("host\.test NOPE"\): "NOPE" is not a DNS record type/),
    });
    await expect(run(['load', '--server', server.address, '--qps', '10', '--duration', '1', '-d', join(dir, 'none.txt')])).rejects.toMatchObject({ message: expect.stringMatching(/none\.txt cannot be read: no such file/) });
    writeFileSync(file, 'host.test A\n');
    await expect(run(['load', '--server', server.address, '--qps', '10', '--duration', '1', '-d', file, '--name', 'x.test'])).rejects.toMatchObject({ message: expect.stringMatching(/either a query file \(-d\) or --name/) });
    expect(server.queries.length).toBe(before);
    rmSync(dir, { recursive: true });
  });

  it('--ramp raises the rate from 0 to --qps: per step, never more sent than the ramp owes, and a highest answered rate', async () => {
    const r = await run(['load', '--server', server.address, '--qps', '2000', '--duration', '1', '--ramp', '--name', 'host.test', '--timeout', '5000', '--json']);
    const report = JSON.parse(r.out.join('')) as { sent: number; answered: number; ramp: { stepS: number; steps: { atS: number; targetQps: number; sentQps: number; answeredQps: number; lost: number }[]; maxAnsweredQps: number; atTargetQps: number } };
    const { ramp } = report;
    expect(ramp.stepS).toBe(0.1);
    expect(ramp.steps).toHaveLength(10);
    expect(ramp.steps.map((s) => s.targetQps)).toEqual([100, 300, 500, 700, 900, 1100, 1300, 1500, 1700, 1900]);
    // By the middle the ramp owes 2000·0.5²/2 = 250 queries (+1 sent at the start); the second half owes three times that.
    const firstHalf = ramp.steps.slice(0, 5).reduce((n, s) => n + s.sentQps * ramp.stepS, 0);
    expect(firstHalf).toBeLessThanOrEqual(251);
    expect(report.sent).toBeGreaterThan(firstHalf * 1.5);
    expect(report.answered).toBe(report.sent);
    expect(ramp.maxAnsweredQps).toBe(Math.max(...ramp.steps.map((s) => s.answeredQps)));
    expect(ramp.steps.find((s) => s.answeredQps === ramp.maxAnsweredQps)?.targetQps).toBe(ramp.atTargetQps);
    const text = await run(['load', '--server', server.address, '--qps', '500', '--duration', '0.5', '--ramp', '--name', 'host.test']);
    expect(text.out.join('\n')).toMatch(/ramp 0 to 500 qps: the server answered at most \d+ qps/);
  });

  it('--tcp sends every query on its pool’s connections, pipelined, and closes them at the end', async () => {
    const before = other.queries.length;
    const r = await run(['load', '--server', other.address, '--qps', '400', '--duration', '0.5', '--tcp', '--sockets', '2', '--name', 'host.test', '--timeout', '5000', '--json']);
    const report = JSON.parse(r.out.join('')) as { sent: number; answered: number; lost: number; transport: string; rcodes: Record<string, number>; fds: { before: number; after: number; socketsBefore: number; socketsAfter: number } };
    expect(report).toMatchObject({ transport: 'tcp', lost: 0, answered: report.sent, rcodes: { NOERROR: report.sent } });
    const asked = other.queries.slice(before);
    expect(asked).toHaveLength(report.sent);
    expect(new Set(asked.map((q) => q.transport))).toEqual(new Set(['tcp']));
    // Two connections, reused for every query: two source ports.
    expect(new Set(asked.map((q) => q.sourcePort)).size).toBe(2);
    expect(report.fds.after).toBe(report.fds.before);
    expect(report.fds.socketsAfter).toBe(report.fds.socketsBefore);
  });

  it('--tcp reads replies that the stream cuts anywhere: a length split from its message, two replies in one segment', async () => {
    // A server that answers each query (the query itself, marked as a reply) in awkward pieces.
    const sockets = new Set<Socket>();
    const tcp = createServer((sock) => {
      sockets.add(sock);
      sock.on('error', () => undefined);
      let buf = Buffer.alloc(0);
      const held: Buffer[] = [];
      let writes = Promise.resolve();
      sock.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          const framed = Buffer.from(buf.subarray(0, 2 + buf.readUInt16BE(0)));
          buf = buf.subarray(framed.length);
          framed[4] = framed[4]! | 0x80;
          held.push(framed);
        }
        // Two replies at a time, the first byte of the pair alone, the rest a turn later (in order).
        const pieces: Buffer[] = [];
        while (held.length >= 2) {
          const pair = Buffer.concat(held.splice(0, 2));
          pieces.push(pair.subarray(0, 1), pair.subarray(1));
        }
        if (held.length === 1) {
          const one = held.pop()!;
          pieces.push(one.subarray(0, 3), one.subarray(3));
        }
        for (const piece of pieces) writes = writes.then(() => new Promise<void>((r) => setImmediate(() => (sock.write(piece), r()))));
      });
    });
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    const port = (tcp.address() as AddressInfo).port;
    try {
      const r = await run(['load', '--server', `127.0.0.1:${port}`, '--qps', '300', '--duration', '0.3', '--tcp', '--sockets', '1', '--name', 'host.test', '--timeout', '5000', '--json']);
      const report = JSON.parse(r.out.join('')) as { sent: number; answered: number; lost: number; stray: number };
      expect(report.sent).toBeGreaterThan(0);
      expect(report).toMatchObject({ answered: report.sent, lost: 0, stray: 0 });
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    }
  });

  it('needs --server, --qps and --duration', async () => {
    await expect(run(['load', '--qps', '10', '--duration', '1'])).rejects.toBeInstanceOf(CommanderError);
    await expect(run(['load', '--server', server.address, '--duration', '1'])).rejects.toBeInstanceOf(CommanderError);
    await expect(run(['load', '--server', server.address, '--qps', '10'])).rejects.toBeInstanceOf(CommanderError);
    await expect(run(['load', '--server', server.address, '--qps', '0', '--duration', '1'])).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/rate is 1 to 200,000/) });
    await expect(run(['load', '--server', server.address, '--qps', '10', '--duration', '1', '--sockets', '0'])).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/1 to 64 sockets/) });
  });
});

describe('gapscope dns watch', () => {
  const validate = new Ajv2020({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(join(__dirname, '..', '..', 'docs', 'schema', 'dns-watch-stream.schema.json'), 'utf8')) as object);

  it('--json-stream: a probe line per probe, valid by the published schema; --fail-on failures>0 exits 0 when every probe is answered, 3 when none is', async () => {
    const ok = await run(['watch', '--server', server.address, '--name', 'host.test', '--type', 'TXT', '--interval', '1', '--duration', '2.2', '--json-stream', '--fail-on', 'failures>0,rtt>5s']);
    const lines = ok.out.map((l) => JSON.parse(l) as { type: string; kind?: string; report?: { probes: number; failures: number; verdict: { ok: boolean } } });
    for (const l of lines) expect(validate(l), `${JSON.stringify(l)}: ${JSON.stringify(validate.errors)}`).toBe(true);
    expect(lines[0]?.type).toBe('started');
    expect(lines.filter((l) => l.type === 'probe').length).toBeGreaterThanOrEqual(2);
    expect(lines.filter((l) => l.type === 'probe').every((l) => l.kind === 'answer')).toBe(true);
    expect(lines.some((l) => l.type === 'tick')).toBe(true);
    expect(lines.at(-1)?.report).toMatchObject({ failures: 0, verdict: { ok: true } });
    expect({ code: ok.exitCode, err: ok.err }).toEqual({ code: 0, err: [] });

    const silent = await run(['watch', '--server', server.address, '--name', 'x.silent.test', '--interval', '1', '--duration', '2.2', '--json-stream', '--fail-on', 'failures>0']);
    const report = (JSON.parse(silent.out.at(-1)!) as { report: { probes: number; failures: number } }).report;
    expect(report.failures).toBe(report.probes);
    expect(silent.exitCode).toBe(3);
    expect(silent.err).toEqual([`gapscope: failures>0 failed: the number of probes without an answer was ${report.failures}.`]);
  }, 20_000);

  it('refuses a condition that is not a DNS one, before anything is sent', async () => {
    await expect(run(['watch', '--fail-on', 'gap>1s'])).rejects.toMatchObject({ code: 'invalid-argument', message: '--fail-on: "gap>1s" is a condition for listen and analyze; dns watch and dns probe take rtt and failures.' });
  });
});
