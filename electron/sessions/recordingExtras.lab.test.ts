// Everything joins the recording (issues #4, #6, #7), in the lab: Gapscope's whole back end records
// a stream in the inspector namespace with the Bonjour browser on and a DNS watch on the device's
// dnsmasq; avahi-daemon starts in the device namespace during the recording and publishes a
// service, then stops (goodbyes), an address is added in the inspector namespace, dnsmasq stops.
// The real tshark reads the capture without error and dissects avahi's packets as mDNS with the
// service's name; the service's arrival and departure, the network change and the DNS verdict are
// in session.json and are frames whose comments tshark shows; the watch's queries and dnsmasq's answers are on the "DNS probes" interface. After a
// SIGKILL mid-recording the capture still reads without error, with the mDNS traffic and the events
// flushed before the kill.
//
// Namespaces gsrec-d-PID and gsrec-i-PID, subnet 10.98.50.0/24 and fd00:98:50::/64, created and
// deleted here (also on failure). No mDNS or DNS leaves them. Needs root, iproute2, avahi-daemon,
// dnsmasq, tshark, capinfos and `npx electron-vite build` (the receiver worker).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_DIR } from '../../lab/streams';
import type { SessionRecord } from '../../shared/contract/sessions';
import type { TimelineEvent } from '../../shared/timeline';
import { scanCapture } from './sessionLibrary';

const JITI = join(REPO_DIR, 'node_modules', 'jiti', 'lib', 'jiti-cli.mjs');
const RUNNER = join(REPO_DIR, 'electron', 'sessions', 'testing', 'runRecordExtras.ts');
const DEV_NS = `gsrec-d-${process.pid}`;
const INS_NS = `gsrec-i-${process.pid}`;
const DEV_IF = `grd${process.pid}`.slice(0, 15);
const INS_IF = `gri${process.pid}`.slice(0, 15);
const SERVICE = 'Rec Lab ☕';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Proc {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
}

const procs: Proc[] = [];

/** Runs a command inside a namespace, collecting its output. */
function inNs(ns: string, cmd: string, args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { cwd: REPO_DIR, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const p: Proc = { child, out: () => out, exited: new Promise((r) => child.once('close', (code) => r(code))) };
  procs.push(p);
  return p;
}

/**
 * How long the runner (TypeScript through jiti) may take to start recording: seen silent for more
 * than 30 s at a load average of 25 on 2 cores, while doing nothing wrong.
 */
const RUNNER_START_MS = 90_000;

async function waitFor<T>(what: string, check: () => T | undefined | null | false, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

function jsonLines(p: Proc): { event: string; payload: unknown }[] {
  const text = p.out();
  return text
    .slice(0, text.lastIndexOf('\n') + 1)
    .split('\n')
    .filter((l) => l.startsWith('{"event"'))
    .map((l) => JSON.parse(l) as { event: string; payload: unknown });
}

const timeline = (p: Proc): TimelineEvent[] => jsonLines(p).filter((l) => l.event === 'timeline').map((l) => l.payload as TimelineEvent);

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function removeNamespaces(): void {
  for (const ns of [DEV_NS, INS_NS]) {
    try {
      execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    } catch {
      // Not there.
    }
  }
}

function tshark(file: string, filter: string, fields: string[]): string[][] {
  const out = execFileSync('tshark', ['-r', file, '-Y', filter, '-T', 'fields', '-E', 'occurrence=a', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return out.trim() === '' ? [] : out.trim().split('\n').map((l) => l.split('\t'));
}

describe('a recording takes in mDNS traffic and timeline events', () => {
  let dir: string;
  let avahiDir: string;

  /** avahi-daemon in the device namespace, with its own /etc/avahi and /run (a private mount namespace). */
  const startAvahi = (): Proc => inNs(DEV_NS, 'unshare', ['-m', '--propagation', 'private', 'sh', '-c', `mount -t tmpfs tmpfs /run && mkdir -p /run/avahi-daemon && mount --bind ${avahiDir} /etc/avahi && exec avahi-daemon --no-drop-root --no-chroot --no-rlimits -f /etc/avahi/avahi-daemon.conf`]);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gsrec-lab-'));
    avahiDir = mkdtempSync(join(tmpdir(), 'gsrec-avahi-'));
    removeNamespaces();
    try {
      ip('netns', 'add', DEV_NS);
      ip('netns', 'add', INS_NS);
      ip('link', 'add', DEV_IF, 'type', 'veth', 'peer', 'name', INS_IF);
      ip('link', 'set', DEV_IF, 'netns', DEV_NS);
      ip('link', 'set', INS_IF, 'netns', INS_NS);
      for (const [ns, dev, host] of [
        [DEV_NS, DEV_IF, '1'],
        [INS_NS, INS_IF, '2'],
      ] as const) {
        execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', `net.ipv6.conf.${dev}.accept_dad=0`]);
        ip('-n', ns, 'link', 'set', 'lo', 'up');
        ip('-n', ns, 'addr', 'add', `10.98.50.${host}/24`, 'brd', '+', 'dev', dev);
        ip('-n', ns, '-6', 'addr', 'add', `fd00:98:50::${host}/64`, 'dev', dev, 'nodad');
        ip('-n', ns, 'link', 'set', dev, 'up');
        ip('-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', dev);
      }
    } catch (e) {
      removeNamespaces();
      throw e;
    }
    writeFileSync(join(avahiDir, 'avahi-daemon.conf'), `[server]\nhost-name=gsrec${process.pid}\ndomain-name=local\nuse-ipv4=yes\nuse-ipv6=yes\nallow-interfaces=${DEV_IF}\nenable-dbus=no\nratelimit-interval-usec=0\n\n[wide-area]\nenable-wide-area=no\n\n[publish]\npublish-addresses=yes\npublish-hinfo=no\npublish-workstation=no\n`);
    mkdirSync(join(avahiDir, 'services'));
    writeFileSync(
      join(avahiDir, 'services', 'rec.service'),
      `<?xml version="1.0" standalone='no'?>\n<!DOCTYPE service-group SYSTEM "avahi-service.dtd">\n<service-group>\n  <name>${SERVICE}</name>\n  <service protocol="any">\n    <type>_http._tcp</type>\n    <port>8080</port>\n    <txt-record>path=/status</txt-record>\n  </service>\n</service-group>\n`,
    );
  });

  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.race([Promise.all(procs.map((p) => p.exited)), sleep(3000)]);
    removeNamespaces();
    if (process.env.GS_KEEP) process.stdout.write(`kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
    rmSync(avahiDir, { recursive: true, force: true });
  });

  it('avahi\'s service coming and going, an address added and a DNS server going silent are in the capture (mDNS and DNS dissected, events as commented frames) and in session.json', { timeout: 180_000 }, async () => {
    const file = join(dir, 'extras.pcapng');
    // The device's DNS server, watched by Gapscope every second during the recording.
    const dnsmasq = inNs(DEV_NS, 'dnsmasq', ['--no-daemon', '-C', '/dev/null', '--no-resolv', '--no-hosts', '--bind-interfaces', '--listen-address=10.98.50.1', '--host-record=gdl90.lab.test,10.98.50.1', `--pid-file=${join(dir, 'dnsmasq.pid')}`]);
    await waitFor('dnsmasq to listen', () => /started, version/.test(dnsmasq.out()), 10_000);
    const gapscope = inNs(INS_NS, 'node', [JITI, RUNNER, '47150', file], { GS_DNS_SERVER: '10.98.50.1' });
    await waitFor('the recording to start', () => jsonLines(gapscope).some((l) => l.event === 'recording'), RUNNER_START_MS).catch((e: Error) => {
      throw new Error(`${e.message}\n${gapscope.out()}`);
    });
    // The stream's worker and the main process append to the same file at once.
    const sender = inNs(DEV_NS, 'node', [join(REPO_DIR, 'lab', 'sender.mjs'), '--to', '10.98.50.2:47150', '--pps', '500', '--size', '300', '--duration', '3']);
    // avahi starts while recording: its probes and announcements and the service's arrival go in.
    const avahi = startAvahi();
    const added = await waitFor('service-added on the timeline', () => timeline(gapscope).find((e) => e.kind === 'service-added' && (e.detail as { name?: string } | undefined)?.name === SERVICE), 15_000).catch((e: Error) => {
      throw new Error(`${e.message}\navahi: ${avahi.out()}\ngapscope: ${gapscope.out().slice(-3000)}`);
    });
    // avahi says goodbye (TTL 0) when stopped normally.
    avahi.child.kill('SIGTERM');
    await avahi.exited;
    const removed = await waitFor('service-removed on the timeline', () => timeline(gapscope).find((e) => e.kind === 'service-removed' && (e.detail as { name?: string } | undefined)?.name === SERVICE), 10_000);
    // A network change (#7): an address added in the inspector namespace.
    ip('-n', INS_NS, 'addr', 'add', '10.98.50.3/24', 'dev', INS_IF);
    const network = await waitFor('a network event', () => timeline(gapscope).find((e) => e.source === 'network' && JSON.stringify(e).includes('10.98.50.3')), 10_000);
    // The DNS server goes: the watch's verdict changes.
    dnsmasq.child.kill('SIGTERM');
    await dnsmasq.exited;
    const silent = await waitFor('the DNS watch\'s verdict', () => timeline(gapscope).find((e) => e.source === 'dns' && e.kind === 'dns-resolver-silent'), 10_000);
    expect(await sender.exited, sender.out()).toBe(0);
    await sleep(300);
    gapscope.child.kill('SIGTERM');
    expect(await gapscope.exited, gapscope.out().slice(-3000)).toBe(0);
    const stopped = jsonLines(gapscope).find((l) => l.event === 'stopped')!.payload as { error: unknown };
    expect(stopped.error).toBeNull();

    // session.json: the events, with the counts of what the capture holds.
    const record = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as SessionRecord;
    expect(record.status).toBe('complete');
    const ids = new Set(record.events!.map((e) => e.id));
    for (const e of [added, network, removed, silent]) expect(ids.has(e.id), `${e.kind} in session.json`).toBe(true);
    expect(record.extras!.mdnsInterfaces.map((i) => i.iface)).toContain(INS_IF);
    expect(record.extras!.mdnsPackets).toBeGreaterThan(0);
    expect(record.extras!.notRecorded).toBe(0);
    expect(record.extras!.events).toBe(record.events!.length);

    // tshark reads the whole file without error (execFileSync throws on a non-zero exit), capinfos too.
    execFileSync('tshark', ['-r', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    const capinfos = execFileSync('capinfos', ['-c', file], { encoding: 'utf8' });
    const total = Number(/Number of packets:\s+(\d+)/.exec(capinfos)![1]);
    expect(total).toBe(record.streams[0]!.packets + record.extras!.mdnsPackets + record.extras!.dnsPackets + record.extras!.events);
    expect(tshark(file, '_ws.malformed', ['frame.number'])).toEqual([]);
    const streamPackets = tshark(file, 'frame.interface_id == 0 && udp.dstport == 47150', ['frame.number']).length;
    expect(streamPackets).toBe(record.streams[0]!.packets);
    expect(streamPackets).toBeGreaterThan(1000);

    // The mDNS traffic is dissected as mDNS, on the link's own interface, with avahi's service in it.
    const mdns = tshark(file, 'mdns', ['frame.interface_name', 'ip.src', 'ipv6.src', 'ip.dst', 'ipv6.dst', 'dns.resp.name']);
    expect(mdns.length).toBe(record.extras!.mdnsPackets);
    expect(new Set(mdns.map((r) => r[0]))).toEqual(new Set([`${INS_IF} (mDNS, Bonjour browser)`]));
    const fromAvahi = mdns.filter((r) => r[1] === '10.98.50.1' || r[2]!.startsWith('fd00:98:50::1') || r[2]!.startsWith('fe80:'));
    expect(fromAvahi.some((r) => r[5]!.includes(`${SERVICE}._http._tcp.local`))).toBe(true);
    expect(mdns.every((r) => r[3] === '224.0.0.251' || r[4] === 'ff02::fb')).toBe(true);
    // avahi's goodbye (its records with TTL 0) is there too.
    expect(tshark(file, `mdns && dns.resp.ttl == 0 && dns.ptr.domain_name contains "${SERVICE}"`, ['frame.number']).length).toBeGreaterThan(0);
    // Over both families.
    expect(fromAvahi.some((r) => r[1] === '10.98.50.1')).toBe(true);
    expect(fromAvahi.some((r) => r[2] !== '')).toBe(true);

    // The events are frames on the timeline interface whose comments tshark shows.
    const comments = tshark(file, 'frame.comment', ['frame.interface_name', 'frame.comment']).filter((r) => r[0] === 'Gapscope timeline').map((r) => r[1]!);
    expect(comments).toContain(`Gapscope timeline (info): [bonjour service-added] ${added.summary}`);
    expect(comments).toContain(`Gapscope timeline (info): [bonjour service-removed] ${removed.summary}`);
    expect(comments.some((c) => c.includes(`[network ${network.kind}]`))).toBe(true);
    expect(comments).toContain(`Gapscope timeline (warning): [dns dns-resolver-silent] ${silent.summary}`);

    // The watch's probes: queries from the inspector, dnsmasq's answers paired with them.
    const dns = tshark(file, `frame.interface_id == ${record.extras!.dnsInterfaceId}`, ['frame.interface_name', 'ip.src', 'ip.dst', 'dns.flags.response', 'dns.a', 'dns.response_to']);
    expect(dns.length).toBe(record.extras!.dnsPackets);
    expect(dns.every((r) => r[0] === 'DNS probes')).toBe(true);
    const queries = dns.filter((r) => r[3] === '0');
    const answers = dns.filter((r) => r[3] === '1');
    expect(queries.length).toBeGreaterThanOrEqual(2);
    expect(queries.every((r) => r[1] === '10.98.50.2' && r[2] === '10.98.50.1')).toBe(true);
    expect(answers.length).toBeGreaterThanOrEqual(1);
    expect(answers.every((r) => r[1] === '10.98.50.1' && r[4] === '10.98.50.1' && r[5] !== '')).toBe(true);
    // After dnsmasq went, queries went unanswered.
    expect(queries.length).toBeGreaterThan(answers.length);
    expect(comments).toHaveLength(record.events!.length);
    expect(tshark(file, `syslog.msg contains "${SERVICE}"`, ['syslog.msg']).length).toBeGreaterThanOrEqual(2);
  });

  it('SIGKILL mid-recording: the capture reads without error and holds the mDNS traffic and the events flushed before the kill', { timeout: 180_000 }, async () => {
    const file = join(dir, 'killed.pcapng');
    const gapscope = inNs(INS_NS, 'node', [JITI, RUNNER, '47151', file]);
    await waitFor('the recording to start', () => jsonLines(gapscope).some((l) => l.event === 'recording'), RUNNER_START_MS);
    const sender = inNs(DEV_NS, 'node', [join(REPO_DIR, 'lab', 'sender.mjs'), '--to', '10.98.50.2:47151', '--pps', '1000', '--size', '300', '--duration', '10']);
    const avahi = startAvahi();
    await waitFor('service-added on the timeline', () => timeline(gapscope).find((e) => e.kind === 'service-added' && (e.detail as { name?: string } | undefined)?.name === SERVICE), 15_000);
    // Past the once-a-second flush, then no chance to finish anything.
    await sleep(1500);
    gapscope.child.kill('SIGKILL');
    await gapscope.exited;
    avahi.child.kill('SIGKILL');
    sender.child.kill('SIGKILL');
    await Promise.all([avahi.exited, sender.exited]);
    const scan = scanCapture(file, false);
    // Whole blocks only: the streams' workers and the extras each append whole blocks.
    expect(scan.damage).toBeNull();
    execFileSync('tshark', ['-r', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    expect(execFileSync('capinfos', ['-c', file], { encoding: 'utf8' })).toMatch(new RegExp(`Number of packets:\\s+${scan.packets}\\b`));
    expect(tshark(file, 'mdns', ['frame.number']).length).toBeGreaterThan(0);
    expect(scan.packetsByInterface[0]).toBeGreaterThan(1000);
    expect(tshark(file, 'frame.comment contains "service-added"', ['frame.comment'])).toHaveLength(1);
    // The sidecar was last saved by the live process: the library will list it as interrupted and recount.
    expect((JSON.parse(readFileSync(`${file}.json`, 'utf8')) as SessionRecord).status).toBe('recording');
  });
});
