// The app's Bonjour service (electron/bonjour/bonjourService.ts, run by testing/runBrowse.ts `service`)
// against real peers: avahi-daemon in the device namespace, dig 9.18 as a one-shot querier, a
// second link that appears while browsing, and two Gapscope advertisers probing for one name at once.
//
// Subnets 10.98.51.0/24 (fd00:98:33::/64) and, for the link added later, 10.98.52.0/24. Needs root,
// iproute2, avahi-daemon, bind9-dnsutils. Everything is removed at teardown.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLabPair, waitUntil, type LabPair, type LabProcess } from '../../lab/netns';
import { REPO_DIR } from '../../lab/streams';
import type { BonjourChangeBatch, ServiceDetails } from '../../shared/mdns/bonjourTypes';
import type { ServiceInstance } from '../../shared/mdns/serviceCache';
import type { TimelineEvent } from '../../shared/timeline';
import { TIMELINE_EACH_UP_TO } from './bonjourService';
import { JITI, RUNNER, lines, type Line } from './testing/labLines';

const SUBNET = 51;
const ADV_TYPE = '_gapscope-adv._udp.local';

/** The service runner, driven like the UI drives the back end: requests in, events out. */
class ServiceRunner {
  private nextId = 1;
  constructor(readonly proc: LabProcess) {}

  async call<T>(method: string, ...args: unknown[]): Promise<T> {
    const id = this.nextId++;
    this.proc.write(`${JSON.stringify({ id, method, args })}\n`);
    let reply: { ok: boolean; value?: T; error?: string } | undefined;
    await waitUntil(() => (reply = lines(this.proc).find((l) => l.event === 'reply' && (l.payload as { id: number }).id === id)?.payload as typeof reply) !== undefined, `reply to ${method}`, 15_000);
    if (!reply!.ok) throw new Error(reply!.error);
    return reply!.value as T;
  }

  /** The instances as the bonjourChange batches built them, by name. */
  live(): Map<string, ServiceInstance> {
    const m = new Map<string, ServiceInstance>();
    for (const l of lines(this.proc)) {
      if (l.event !== 'bonjourChange') continue;
      for (const c of (l.payload as BonjourChangeBatch).changes) {
        if (c.kind === 'removed') m.delete(c.instance.name);
        else m.set(c.instance.name, c.instance);
      }
    }
    return m;
  }

  timeline(): TimelineEvent[] {
    return lines(this.proc).filter((l) => l.event === 'timeline').map((l) => l.payload as TimelineEvent);
  }
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

describe('the Bonjour service against avahi, dig and new links', () => {
  let lab: LabPair;
  let avahiDir: string;
  let avahi: LabProcess | null = null;
  const procs: LabProcess[] = [];
  const notes: string[] = [];

  function spawnRunner(host: 'inspector' | 'device', args: string[], env: Record<string, string> = {}): LabProcess {
    const p = lab[host].spawn('node', [JITI, RUNNER, ...args], { cwd: REPO_DIR, stdin: true, env });
    procs.push(p);
    return p;
  }

  async function startService(env: Record<string, string> = {}): Promise<ServiceRunner> {
    const p = spawnRunner('inspector', ['service'], env);
    await p.waitForLine(/"event":"ready"/, 15_000);
    return new ServiceRunner(p);
  }

  beforeAll(async () => {
    lab = await createLabPair({ subnet: SUBNET });
    // avahi's own /etc/avahi and /run, private to its mount namespace (nothing under /etc/netns).
    avahiDir = mkdtempSync(join(tmpdir(), 'gs-bonjour-avahi-'));
    writeFileSync(join(avahiDir, 'avahi-daemon.conf'), `[server]\nhost-name=gsbj${process.pid}\ndomain-name=local\nuse-ipv4=yes\nuse-ipv6=yes\nallow-interfaces=${lab.device.iface}\nenable-dbus=no\nratelimit-interval-usec=0\n\n[wide-area]\nenable-wide-area=no\n\n[publish]\npublish-addresses=yes\npublish-hinfo=no\npublish-workstation=no\n`);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(avahiDir, 'services'));
    writeFileSync(
      join(avahiDir, 'services', 'web.service'),
      `<?xml version="1.0" standalone='no'?>\n<!DOCTYPE service-group SYSTEM "avahi-service.dtd">\n<service-group>\n  <name>${xml('Lab Web ☕')}</name>\n  <service protocol="any">\n    <type>_http._tcp</type>\n    <port>8080</port>\n    <txt-record>path=/status</txt-record>\n    <txt-record>secure</txt-record>\n  </service>\n</service-group>\n`,
    );
    avahi = lab.device.spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c', `mount -t tmpfs tmpfs /run && mkdir -p /run/avahi-daemon && mount --bind ${avahiDir} /etc/avahi && exec avahi-daemon --no-drop-root --no-chroot --no-rlimits -f /etc/avahi/avahi-daemon.conf`]);
    await avahi.waitForLine(/web\.service\) successfully established/, 15_000);
  });

  afterEach(async () => {
    for (const p of procs.splice(0)) {
      p.kill('SIGTERM');
      const done = await Promise.race([p.exited, new Promise((r) => setTimeout(r, 3000, null))]);
      if (done === null) p.kill('SIGKILL');
    }
  });

  afterAll(async () => {
    avahi?.kill('SIGKILL');
    await avahi?.exited;
    await lab?.teardown();
    if (avahiDir) rmSync(avahiDir, { recursive: true, force: true });
    if (notes.length) process.stdout.write(`Bonjour service lab notes:\n${notes.map((n) => `  ${n}`).join('\n')}\n`);
  });

  it('reports avahi\'s service in batched changes, posts it to the timeline, and shows its records and raw packets', async () => {
    const svc = await startService({ GS_PRINT_DATAGRAMS: '1' });
    const t0 = Date.now();
    const status = await svc.call<{ browsing: boolean; sockets: Array<{ iface: string; family: string; status: string }> }>('startBrowse', {});
    expect(status.browsing).toBe(true);
    expect(status.sockets.filter((s) => s.iface === lab.inspector.iface && s.status === 'open').map((s) => s.family).sort()).toEqual(['ipv4', 'ipv6']);
    await waitUntil(() => svc.live().get('Lab Web ☕')?.addresses.length === 2, 'avahi\'s service with both addresses', 3000);
    notes.push(`avahi's service complete through the service's batched events: ${Date.now() - t0} ms after startBrowse`);
    const web = svc.live().get('Lab Web ☕')!;
    expect(web).toMatchObject({ type: '_http._tcp.local', port: 8080, host: `gsbj${process.pid}.local`, interfaces: [lab.inspector.iface] });
    expect(web.txt).toEqual([
      { key: 'path', value: '/status', binary: false },
      { key: 'secure', value: null, binary: false },
    ]);
    const added = svc.timeline().find((e) => e.kind === 'service-added' && (e.detail as { name?: string }).name === 'Lab Web ☕');
    expect(added).toMatchObject({ source: 'bonjour', severity: 'info', summary: `"Lab Web ☕" (_http._tcp) appeared on ${lab.inspector.iface}`, detail: { type: '_http._tcp.local', interfaces: [lab.inspector.iface] } });

    const details = await svc.call<ServiceDetails>('getServiceDetails', web.key);
    expect(details.records.map((r) => r.type).sort()).toEqual(expect.arrayContaining(['A', 'AAAA', 'PTR', 'SRV', 'TXT']));
    expect(details.records.find((r) => r.type === 'SRV')).toMatchObject({ data: `gsbj${process.pid}.local:8080 (priority 0, weight 0)`, ttl: 120, iface: lab.inspector.iface });
    expect(details.packets.length).toBeGreaterThan(0);
    for (const p of details.packets) {
      expect(p.hex.length).toBe(p.bytes * 2);
      expect([lab.device.ipv4, lab.device.ipv6]).toContain(p.source);
    }
    // avahi sends its records in whichever packets and order it likes: one of them holds the SRV.
    expect(details.packets.some((p) => p.records.some((r) => r.section !== 'question' && r.type === 'SRV' && r.data.endsWith(':8080 (priority 0, weight 0)')))).toBe(true);
    await expect(svc.call('getServiceDetails', 'no such._http._tcp.local')).rejects.toThrow(/no longer advertised/);

    // The capture hook saw the same traffic raw: avahi's responses and our own queries (looped back).
    // (printed by the service process as they pass: wait for the lines rather than assume they are already out)
    const datagrams = () => lines(svc.proc).filter((l) => l.event === 'datagram').map((l) => l.payload as { source: string; port: number; head: string; iface: string });
    await waitUntil(() => datagrams().some((d) => d.source === lab.device.ipv4 && d.port === 5353 && d.head === '00008400' && d.iface === lab.inspector.iface), "avahi's response seen by the capture hook", 5000);
    await waitUntil(() => datagrams().some((d) => d.source === lab.inspector.ipv4 && d.head === '00000000'), 'our own query seen by the capture hook', 5000);
  });

  it('under a flood of 24,000 PTRs sends at most about ten batches a second and summarises the timeline', async () => {
    // The per-source allowance lowered to 200 records and 100/s: the flood exceeds it however slowly
    // a loaded machine lets the service read (see FLOOD_SENDER).
    const svc = await startService({ GS_SOURCE_RATE: '200,100' });
    await svc.call('startBrowse', {});
    await waitUntil(() => svc.live().has('Lab Web ☕'), 'avahi\'s service', 3000);
    const before = lines(svc.proc).length;
    const flood = await lab.device.exec('node', ['-e', FLOOD_SENDER], { cwd: REPO_DIR, timeoutMs: 30_000 });
    expect(flood.stdout.trim()).toBe('sent');
    await new Promise((r) => setTimeout(r, 500));
    const during = lines(svc.proc).slice(before);
    const batches = during.filter((l) => l.event === 'bonjourChange');
    const perSecond = new Map<number, number>();
    for (const b of batches) perSecond.set(Math.floor(b.t / 1000), (perSecond.get(Math.floor(b.t / 1000)) ?? 0) + 1);
    const busiest = Math.max(...perSecond.values());
    const posts = during.filter((l) => l.event === 'timeline').length;
    const flooded = batches.reduce((n, b) => n + (b.payload as BonjourChangeBatch).changes.length, 0);
    notes.push(`flood: ${batches.length} batches (busiest second ${busiest}), ${flooded} changes sent, ${batches.filter((b) => (b.payload as BonjourChangeBatch).resync).length} with resync, ${posts} timeline posts`);
    expect(busiest).toBeLessThanOrEqual(11);
    expect(batches.every((b) => (b.payload as BonjourChangeBatch).changes.length <= 200)).toBe(true);
    // Each batch posts its changes one by one up to TIMELINE_EACH_UP_TO, else one summary per kind:
    // never more than that many per batch (with the lowered allowance batches are small, and a CI
    // run saw 55 posts for 12 batches, over the 3 per batch this once assumed).
    expect(posts).toBeLessThanOrEqual(TIMELINE_EACH_UP_TO * batches.length);
    expect(posts).toBeLessThan(200);
    const snapshot = await svc.call<{ instances: ServiceInstance[]; status: { rateLimited: number } }>('listServices');
    expect(snapshot.instances.some((i) => i.name === 'Lab Web ☕')).toBe(true);
    expect(snapshot.status.rateLimited).toBeGreaterThan(0);
  });

  it('opens a socket on a link that appears while browsing, finds a service there (and one on both links as one row with both), and drops it when the link goes', async () => {
    const svc = await startService({ GS_POLL_MS: '1000' });
    await svc.call('startBrowse', {});
    const [devIf, insIf] = [`gbd${process.pid}`.slice(0, 15), `gbi${process.pid}`.slice(0, 15)];
    const ip = async (...args: string[]): Promise<void> => {
      const { execFileSync } = await import('node:child_process');
      execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    };
    await ip('link', 'add', devIf, 'type', 'veth', 'peer', 'name', insIf);
    await ip('link', 'set', devIf, 'netns', lab.device.ns);
    await ip('link', 'set', insIf, 'netns', lab.inspector.ns);
    await ip('-n', lab.device.ns, 'addr', 'add', '10.98.52.1/24', 'dev', devIf);
    await ip('-n', lab.inspector.ns, 'addr', 'add', '10.98.52.2/24', 'dev', insIf);
    await ip('-n', lab.device.ns, 'link', 'set', devIf, 'up');
    const up = Date.now();
    await ip('-n', lab.inspector.ns, 'link', 'set', insIf, 'up');
    const sockets = (): Array<{ iface: string; family: string; status: string }> => lines(svc.proc).filter((l) => l.event === 'bonjourStatus').map((l) => (l.payload as { status: { sockets: Array<{ iface: string; family: string; status: string }> } }).status.sockets).pop() ?? [];
    await waitUntil(() => sockets().some((s) => s.iface === insIf && s.family === 'ipv4' && s.status === 'open'), 'a socket on the new link', 5000);
    notes.push(`socket on a link that came up while browsing: ${Date.now() - up} ms (polling every 1 s)`);
    const adv = spawnRunner('device', ['advertise', 'On The New Link', ADV_TYPE, '4300', `gsnew${process.pid}.local`, 'v=1'], { GS_ADV_IFACE: devIf });
    await adv.waitForLine(/"event":"published"/, 10_000);
    await waitUntil(() => svc.live().get('On The New Link')?.interfaces.includes(insIf) === true, 'the service on the new link', 3000);
    expect(svc.live().get('On The New Link')).toMatchObject({ port: 4300, interfaces: [insIf], addresses: expect.arrayContaining([expect.objectContaining({ address: '10.98.52.1' })]) });
    // A responder on both links is one row with both interfaces, and both of its addresses.
    const both = spawnRunner('device', ['advertise', 'On Both Links', ADV_TYPE, '4400', `gsboth${process.pid}.local`, 'v=1']);
    await both.waitForLine(/"event":"published"/, 10_000);
    await waitUntil(() => svc.live().get('On Both Links')?.interfaces.length === 2, 'one instance seen on both links', 3000);
    const row = svc.live().get('On Both Links')!;
    expect(row.interfaces).toEqual([lab.inspector.iface, insIf].sort());
    expect(row.addresses.filter((a) => a.family === 'ipv4').map((a) => [a.address, a.interfaces])).toEqual([
      [lab.device.ipv4, [lab.inspector.iface]],
      ['10.98.52.1', [insIf]],
    ]);
    expect([...svc.live().values()].filter((i) => i.name === 'On Both Links')).toHaveLength(1);
    // The link goes (the device end deleted, which takes the pair): its socket closes and what was heard only there goes.
    const gone = Date.now();
    await ip('-n', lab.device.ns, 'link', 'del', devIf);
    await waitUntil(() => !svc.live().has('On The New Link'), 'the service of the vanished link to go', 5000);
    notes.push(`service of a vanished link removed ${Date.now() - gone} ms after the link went`);
    expect(sockets().some((s) => s.iface === insIf)).toBe(false);
    await waitUntil(() => svc.live().get('On Both Links')?.interfaces.length === 1, 'the two-link service to keep only the remaining link', 3000);
    expect(svc.live().get('On Both Links')!.interfaces).toEqual([lab.inspector.iface]);
    expect(svc.live().has('Lab Web ☕')).toBe(true);
  });

  it('answers dig 9.18: a direct unicast query (§5.5) gets a legacy answer (§6.7); the multicast one-shot form cannot reach dig, as with avahi', async () => {
    const svc = await startService();
    await svc.call('startBrowse', {});
    const adv = await svc.call<{ name: string; host: string }>('advertiseService', { name: 'Gapscope Dig', type: '_gapscope-adv._udp', port: 4100, txt: ['v=1'] });
    expect(adv.name).toBe('Gapscope Dig');
    const dig = (...args: string[]) => lab.device.exec('dig', ['-p', '5353', '+tries=1', '+timeout=2', ...args], { allowFailure: true });
    const instance = 'Gapscope\\032Dig._gapscope-adv._udp.local';

    for (const round of ['advertiser bound after the browser', 'browser bound after the advertiser']) {
      const a = await dig(`@${lab.inspector.ipv4}`, adv.host, 'A');
      expect(a.stdout, round).toMatch(/flags: qr aa[^;]*; QUERY: 1, ANSWER: \d+/);
      expect(a.stdout, round).toMatch(new RegExp(`^${adv.host.replace(/\./g, '\\.')}\\.\\s+(\\d+)\\s+IN\\s+A\\s+${lab.inspector.ipv4.replace(/\./g, '\\.')}$`, 'm'));
      const ttl = Number(new RegExp(`^${adv.host.replace(/\./g, '\\.')}\\.\\s+(\\d+)`, 'm').exec(a.stdout)![1]);
      expect(ttl).toBeLessThanOrEqual(10);
      expect(a.stdout).toMatch(new RegExp(`^;${adv.host.replace(/\./g, '\\.')}\\.\\s+IN\\s+A$`, 'm')); // the question, repeated
      const srv = await dig(`@${lab.inspector.ipv4}`, instance, 'SRV', '+short');
      expect(srv.stdout.trim(), round).toBe(`0 0 4100 ${adv.host}.`);
      const txt = await dig(`@${lab.inspector.ipv6}`, instance, 'TXT', '+short');
      expect(txt.stdout.trim(), round).toBe('"v=1"');
      // The same sockets again, bound in the other order: a unicast query reaches only one of them.
      await svc.call('stopBrowse');
      await svc.call('startBrowse', {});
    }

    // The multicast form: the answer goes by unicast from the inspector's address, to dig's port,
    // but dig 9.18 sends from a socket connect()ed to 224.0.0.251:5353, so the kernel refuses the
    // reply (UdpNoPorts, ICMP port unreachable) and dig times out. avahi's answer fares the same.
    const counters = async (): Promise<number> => Number(/UdpNoPorts\s+(\d+)/.exec((await lab.device.exec('nstat', ['-asz', 'UdpNoPorts'])).stdout)?.[1] ?? NaN);
    const before = await counters();
    const multicast = await dig('@224.0.0.251', adv.host, 'A');
    const after = await counters();
    notes.push(`dig -p 5353 @224.0.0.251 ${adv.host}: exit ${multicast.code}, "${multicast.stdout.split('\n').find((l) => l.includes('timed out') || l.includes('no servers')) ?? ''}"; replies refused by the device's kernel (UdpNoPorts): ${after - before}`);
    expect(multicast.code).not.toBe(0);
    expect(multicast.stdout).not.toMatch(/ANSWER: [1-9]/);
    expect(after - before).toBeGreaterThanOrEqual(1);
    const viaAvahi = await lab.inspector.exec('dig', ['-p', '5353', '+tries=1', '+timeout=2', '@224.0.0.251', `gsbj${process.pid}.local`, 'A'], { allowFailure: true });
    expect(viaAvahi.code).not.toBe(0);
    const avahiUnicast = await lab.inspector.exec('dig', ['-p', '5353', '+tries=1', '+timeout=2', `@${lab.device.ipv4}`, `gsbj${process.pid}.local`, 'A', '+short'], { allowFailure: true });
    expect(avahiUnicast.stdout.trim()).toBe(lab.device.ipv4);
  });

  it('two advertisers probing for one name at once: the one whose records sort later keeps it, the other waits a second and is renamed (§8.2)', async () => {
    // Same TXT, so the SRV decides: port 4200 sorts after 4100. The 4100 one starts first, so
    // without tie-breaking it would finish probing first and keep the name.
    const at = Date.now() + 2500;
    const low = spawnRunner('inspector', ['advertise', 'Tie', ADV_TYPE, '4100', `gstiea${process.pid}.local`, 'v=1'], { GS_ADV_AT: String(at) });
    const high = spawnRunner('inspector', ['advertise', 'Tie', ADV_TYPE, '4200', `gstieb${process.pid}.local`, 'v=1'], { GS_ADV_AT: String(at + 120) });
    const lowPublished = JSON.parse(await low.waitForLine(/"event":"published"/, 15_000)) as Line;
    const highPublished = JSON.parse(await high.waitForLine(/"event":"published"/, 15_000)) as Line;
    expect(highPublished.payload).toMatchObject({ name: 'Tie', port: 4200 });
    expect(lowPublished.payload).toMatchObject({ name: 'Tie (2)', port: 4100 });
    expect(lines(low).some((l) => l.event === 'deferred')).toBe(true);
    expect(lines(high).some((l) => l.event === 'deferred' || l.event === 'renamed')).toBe(false);
  });
});

// 600 responses of 40 new PTRs each (24,000 records) from one source, from port 5353 (shared with
// avahi: a response from any other port is dropped unread, RFC 6762 §6), in bursts (see below).
// Paced one per 5 ms by a timer, a loaded CI machine spread them below the cache's 1,000 records/s
// per source and nothing was rate-limited (141 of 304 packets arrived, over seconds).
const FLOOD_SENDER = `
const dgram = require('node:dgram');
const dnsPacket = require('dns-packet');
const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
const packets = [];
for (let p = 0; p < 600; p++) {
  packets.push(dnsPacket.encode({ type: 'response', flags: dnsPacket.AUTHORITATIVE_ANSWER, answers: Array.from({ length: 40 }, (_, k) => ({ name: '_flood._tcp.local', type: 'PTR', ttl: 4500, data: 'f' + p + '-' + k + '._flood._tcp.local' })) }));
}
s.bind(5353, () => {
  s.setMulticastTTL(255);
  // Bursts of 50 (2,000 records, the cache's burst allowance per source; ~50 packets also fill an
  // unread 208 KiB receive buffer) every 100 ms, back to back within a burst: whenever the browser
  // gets to read them, it reads a burst at once, so the next one finds the allowance spent.
  let i = 0;
  const burst = () => {
    const end = Math.min(packets.length, i + 50);
    while (i < end) {
      const last = ++i === packets.length;
      s.send(packets[i - 1], 5353, '224.0.0.251', last ? () => { process.stdout.write('sent'); s.close(); } : undefined);
    }
    if (i < packets.length) setTimeout(burst, 100);
  };
  burst();
});
`;
