// Instances heard only as a PTR are resolved (issue 13 item 6): Gapscope's browser must ask for
// SRV and TXT, then for the host's A and AAAA, with RFC 6762's timing (§5.2: the first question
// 20–120 ms after the need, then 1 s, 2 s, 4 s … until answered) and known answers (§7.1).
//
// Two peers in the device namespace: a responder of our own (testing/labResponder.ts) that
// answers each question with exactly the records asked for and nothing in the additional section,
// one packet per question, and leaves one TXT unanswered; and avahi-daemon, which holds a service
// whose PTR reaches Gapscope alone (the packet with its SRV and TXT "lost"), so that avahi must
// answer Gapscope's questions. A third peer, another querier, asks a question Gapscope needs too,
// so that Gapscope leaves it to that querier (§7.3).
//
// Subnet 10.98.55.0/24, fd00:98:37::/64. Needs root, iproute2, avahi-daemon. Everything is
// removed at teardown.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLabPair, waitUntil, type LabPair, type LabProcess } from '../../lab/netns';
import { REPO_DIR } from '../../lab/streams';
import type { ServiceInstance } from '../../shared/mdns/serviceCache';
import { JITI, PEER, RUNNER, lines, live, type Line } from './testing/labLines';

const SUBNET = 55;
const TYPE = '_gsres._tcp.local';
const BARE = `Bare One.${TYPE}`;
const SLOW = `Slow TXT v1.2.${TYPE}`;
const HOST = 'bare-host.local';

interface HeardQuery {
  from: string;
  family: string;
  questions: Array<{ name: string; type: string; qu: boolean }>;
  known: Array<{ name: string; type: string; ttl: number; data: string | null }>;
}

/** The queries the responder heard, with its clock. */
function queries(p: LabProcess): Array<{ t: number } & HeardQuery> {
  return lines(p)
    .filter((l) => l.event === 'query')
    .map((l) => ({ t: l.t, ...(l.payload as HeardQuery) }));
}

/** When the responder heard each query asking `name`/`type`. */
function askedAt(p: LabProcess, name: string, type: string): number[] {
  return queries(p)
    .filter((q) => q.questions.some((x) => x.name.toLowerCase() === name.toLowerCase() && x.type === type))
    .map((q) => q.t);
}

describe('resolving instances heard only as a PTR', () => {
  let lab: LabPair;
  let avahiDir: string;
  const procs: LabProcess[] = [];
  const timings: string[] = [];

  function spawn(host: 'inspector' | 'device', args: string[]): LabProcess {
    const p = lab[host].spawn('node', [JITI, ...args], { cwd: REPO_DIR });
    procs.push(p);
    return p;
  }

  beforeAll(async () => {
    lab = await createLabPair({ subnet: SUBNET });
    avahiDir = mkdtempSync(join(tmpdir(), 'gs-resolve-avahi-'));
  });

  afterEach(async () => {
    for (const p of procs.splice(0)) {
      p.kill('SIGKILL');
      await p.exited;
    }
  });

  afterAll(async () => {
    await lab?.teardown();
    if (avahiDir) rmSync(avahiDir, { recursive: true, force: true });
    if (timings.length) process.stdout.write(`mDNS resolution timings:\n${timings.map((t) => `  ${t}`).join('\n')}\n`);
  });

  it('asks SRV and TXT, then A and AAAA, of a responder that adds nothing, with back-off and known answers', async () => {
    const browser = spawn('inspector', [RUNNER, 'events', `types=${TYPE}`]);
    await browser.waitForLine(/"event":"started"/, 15_000);
    const records = [
      { name: TYPE, type: 'PTR', ttl: 4500, data: BARE },
      { name: TYPE, type: 'PTR', ttl: 4500, data: SLOW },
      { name: BARE, type: 'SRV', ttl: 120, flush: true, data: { priority: 0, weight: 0, port: 7001, target: HOST } },
      { name: BARE, type: 'TXT', ttl: 4500, flush: true, data: ['k=v'] },
      { name: SLOW, type: 'SRV', ttl: 120, flush: true, data: { priority: 0, weight: 0, port: 7002, target: HOST } },
      { name: HOST, type: 'A', ttl: 120, flush: true, data: lab.device.ipv4 },
      { name: HOST, type: 'AAAA', ttl: 120, flush: true, data: lab.device.ipv6 },
    ];
    const responder = spawn('device', [PEER, 'respond', JSON.stringify({ iface: lab.device.iface, ipv4: lab.device.ipv4, records, silent: [`${SLOW}|TXT`], announce: [0, 1] })]);
    await responder.waitForLine(/"event":"ready"/, 15_000);

    // Bare One complete; the silent TXT asked at least four times (at ~0, 1, 3, 7 s).
    await waitUntil(
      () => {
        const i = live(browser).get('Bare One');
        return i?.port === 7001 && i.txt.length === 1 && i.addresses.length === 2 && askedAt(responder, SLOW, 'TXT').length >= 4;
      },
      'Bare One resolved, and the silent TXT asked four times',
      15_000,
    ).catch((e: unknown) => {
      throw new Error(`${String(e)}; live: ${JSON.stringify([...live(browser).values()].map((i) => [i.name, i.port, i.txt.length, i.addresses.length]))}; heard: ${JSON.stringify(queries(responder))}; stderr: ${browser.stderr().slice(-500)}${responder.stderr().slice(-500)}`);
    });

    const bare = live(browser).get('Bare One')!;
    expect(bare).toMatchObject({ type: TYPE, host: HOST, port: 7001, txt: [{ key: 'k', value: 'v', binary: false }], missing: [] });
    expect(bare.addresses.map((a) => a.address)).toEqual([lab.device.ipv4, lab.device.ipv6]);
    // Resolved but for its TXT: host, port and addresses, no TXT, and it says so.
    expect(live(browser).get('Slow TXT v1.2')).toMatchObject({ host: HOST, port: 7002, txt: [], missing: ['TXT'] });
    // Bare One was listed unresolved until its answers came.
    const bareSeen = lines(browser).filter((l) => l.event !== 'removed' && (l.payload as ServiceInstance).name === 'Bare One').map((l) => (l.payload as ServiceInstance).missing);
    expect(bareSeen[0]).toEqual(['SRV', 'TXT', 'address']);
    expect(bareSeen.at(-1)).toEqual([]);

    // The responder's first PTR went out when it announced; the questions followed within the
    // random 20–120 ms (§5.2), timed from the packet. The upper bound is loose (1 s): this machine
    // is shared and busy; the lower bound is the RFC's.
    const announced = lines(responder).find((l) => l.event === 'answered')!.t;
    const firstSrv = askedAt(responder, BARE, 'SRV')[0]! - announced;
    const firstTxt = askedAt(responder, BARE, 'TXT')[0]! - announced;
    const firstA = askedAt(responder, HOST, 'A')[0]! - announced;
    timings.push(`first SRV, TXT and A questions ${firstSrv}, ${firstTxt}, ${firstA} ms after the PTR`);
    expect(firstSrv).toBeGreaterThanOrEqual(15);
    expect(firstSrv).toBeLessThan(1000);
    expect(firstTxt).toBe(firstSrv);
    // A and AAAA once an SRV named the host, in one query.
    const firstSrvAnswer = lines(responder).find((l) => l.event === 'answered' && (l.payload as { records: string[][] }).records.some(([, t]) => t === 'SRV'))!.t - announced;
    expect(firstA).toBeGreaterThan(firstSrvAnswer);
    expect(askedAt(responder, HOST, 'AAAA')[0]).toBe(askedAt(responder, HOST, 'A')[0]);
    // Answered questions are not asked again.
    expect(askedAt(responder, BARE, 'SRV')).toHaveLength(1);
    expect(askedAt(responder, BARE, 'TXT')).toHaveLength(1);
    expect(askedAt(responder, HOST, 'A')).toHaveLength(1);

    // The unanswered TXT: at least 1 s between the first two queries, then doubling (§5.2). These
    // are arrival times at the responder: at load 12 on 2 cores the browser's 1000 ms read as
    // 990 ms there (the first packet was delivered late), so 50 ms of delivery jitter are allowed.
    const slow = askedAt(responder, SLOW, 'TXT');
    const gaps = slow.slice(1).map((t, i) => t - slow[i]!);
    timings.push(`unanswered TXT asked at intervals of ${gaps.join(', ')} ms`);
    expect(gaps[0]).toBeGreaterThanOrEqual(950);
    for (let i = 1; i < gaps.length; i++) {
      expect(gaps[i]).toBeGreaterThanOrEqual(2 * gaps[i - 1]! - 200);
      expect(gaps[i]).toBeLessThan(2 * gaps[i - 1]! + 1000);
    }

    // Known answers (§7.1): the browser's later PTR queries list both instances it holds (the
    // dotted one too), with more than half their TTL left, so the responder does not repeat them.
    const ptrQueries = queries(responder).filter((q) => q.questions.some((x) => x.name === TYPE && x.type === 'PTR'));
    const later = ptrQueries.filter((q) => q.known.length > 0);
    expect(later.length).toBeGreaterThan(0);
    for (const q of later) {
      expect(q.known.map((k) => k.data).sort()).toEqual([BARE, SLOW]);
      for (const k of q.known) expect(k.ttl).toBeGreaterThan(2250);
    }
    // No question asked for a unicast answer (QU is off unless asked for).
    expect(queries(responder).every((q) => q.questions.every((x) => !x.qu))).toBe(true);
  }, 60_000);

  it('leaves a question to another host that asks it too (duplicate question suppression, §7.3)', async () => {
    // Another querier on the link asks the TXT nobody answers every 300 ms, from port 5353.
    const other = spawn('device', [PEER, 'ask', JSON.stringify({ ipv4: lab.device.ipv4, everyMs: 300, questions: [{ name: SLOW, type: 'TXT' }] })]);
    await other.waitForLine(/"event":"ready"/, 15_000);
    const browser = spawn('inspector', [RUNNER, 'events', `types=${TYPE}`]);
    await browser.waitForLine(/"event":"started"/, 15_000);
    const records = [
      { name: TYPE, type: 'PTR', ttl: 4500, data: SLOW },
      { name: SLOW, type: 'SRV', ttl: 120, flush: true, data: { priority: 0, weight: 0, port: 7002, target: HOST } },
      { name: HOST, type: 'A', ttl: 120, flush: true, data: lab.device.ipv4 },
    ];
    const responder = spawn('device', [PEER, 'respond', JSON.stringify({ iface: lab.device.iface, ipv4: lab.device.ipv4, records, silent: [`${SLOW}|TXT`], announce: [0] })]);
    await responder.waitForLine(/"event":"ready"/, 15_000);
    const fromBrowser = (q: { from: string }): boolean => q.from !== lab.device.ipv4;
    // Left alone the browser would ask the TXT at about 0, 1, 3 and 7 s (first test); wait until
    // the other querier has asked it 25 times (7.5 s) after the browser first asked anything.
    const browserStart = (): number | undefined => queries(responder).find(fromBrowser)?.t;
    await waitUntil(
      () => {
        const t = browserStart();
        return t !== undefined && queries(responder).filter((q) => !fromBrowser(q) && q.t > t).length >= 25 && live(browser).get('Slow TXT v1.2')?.port === 7002;
      },
      'the other querier asking the TXT 25 times after the browser began',
      20_000,
    );
    const mine = queries(responder).filter((q) => fromBrowser(q) && q.questions.some((x) => x.name === SLOW && x.type === 'TXT'));
    browser.kill('SIGTERM');
    const stats = JSON.parse((await browser.waitForLine(/"event":"stats"/, 10_000)).trim()) as { payload: { questionsSuppressed: number } };
    timings.push(`with another querier asking every 300 ms, the browser asked the TXT ${mine.length} time(s) in 7.5 s and left it ${stats.payload.questionsSuppressed} time(s)`);
    // At most its very first question (due 20–120 ms after the PTR, before the other's next) goes out.
    expect(mine.length).toBeLessThanOrEqual(1);
    expect(stats.payload.questionsSuppressed).toBeGreaterThanOrEqual(3);
    expect(live(browser).get('Slow TXT v1.2')).toMatchObject({ port: 7002, missing: ['TXT'] });
  }, 60_000);

  it('has avahi answer the questions for a service whose PTR alone arrived', async () => {
    const avahiType = '_gsavahi._tcp';
    mkdirSync(join(avahiDir, 'services'), { recursive: true });
    writeFileSync(
      join(avahiDir, 'avahi-daemon.conf'),
      `[server]\nhost-name=gsres${process.pid}\ndomain-name=local\nuse-ipv4=yes\nuse-ipv6=yes\nallow-interfaces=${lab.device.iface}\nenable-dbus=no\nratelimit-interval-usec=0\n\n[wide-area]\nenable-wide-area=no\n\n[publish]\npublish-addresses=yes\npublish-hinfo=no\npublish-workstation=no\n`,
    );
    writeFileSync(
      join(avahiDir, 'services', 'res.service'),
      `<?xml version="1.0" standalone='no'?>\n<!DOCTYPE service-group SYSTEM "avahi-service.dtd">\n<service-group>\n  <name>Avahi Resolves</name>\n  <service protocol="any">\n    <type>${avahiType}</type>\n    <port>7100</port>\n    <txt-record>from=avahi</txt-record>\n  </service>\n</service-group>\n`,
    );
    // avahi announces each record three times once its group is established (at about 0, 1 and
    // 3 s; avahi-core/announce.c); a listener of our own waits for the third announcement of the
    // SRV, so that the browser started after it cannot hear any.
    const listener = spawn('inspector', [PEER, 'listen', lab.inspector.iface, lab.inspector.ipv4]);
    await listener.waitForLine(/"event":"ready"/, 15_000);
    const avahi = lab.device.spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c', `mount -t tmpfs tmpfs /run && mkdir -p /run/avahi-daemon && mount --bind ${avahiDir} /etc/avahi && exec avahi-daemon --no-drop-root --no-chroot --no-rlimits -f /etc/avahi/avahi-daemon.conf`]);
    procs.push(avahi);
    await avahi.waitForLine(/res\.service\) successfully established/, 15_000);
    const full = `Avahi Resolves.${avahiType}.local`;
    const srvAnnouncements = (): number => lines(listener).filter((l) => l.event === 'heard' && (l.payload as { records: string[][] }).records.some(([n, t]) => n === full && t === 'SRV')).length;
    await waitUntil(() => srvAnnouncements() >= 3, "avahi's three announcements of the SRV", 15_000);
    listener.kill('SIGTERM');
    // avahi announced the service in full while it started; a browser that missed that (it came
    // later, or the packets were lost) holds nothing of it. It asks for another type only, so
    // avahi's own answer to a PTR query (which adds SRV, TXT and addresses) never comes: only the
    // bare PTR sent below names the instance.
    const late = spawn('inspector', [RUNNER, 'events', 'types=_gsnothing._tcp']);
    await late.waitForLine(/"event":"started"/, 15_000);
    const r = await lab.device.exec('node', [JITI, PEER, 'send', JSON.stringify([{ to: '224.0.0.251', port: 5353, fromPort: 5353, family: 'ipv4', answers: [{ name: `${avahiType}.local`, type: 'PTR', ttl: 4500, data: full }] }])], { cwd: REPO_DIR, timeoutMs: 20_000 });
    expect(r.stdout).toContain('"event":"sent"');
    await waitUntil(
      () => {
        const i = live(late).get('Avahi Resolves');
        return i?.port === 7100 && i.txt.length === 1 && i.addresses.length > 0;
      },
      'Avahi Resolves resolved by avahi',
      5000,
    ).catch((e: unknown) => {
      throw new Error(`${String(e)}; live: ${JSON.stringify([...live(late).values()])}; stderr: ${late.stderr().slice(-500)}`);
    });
    // It was first heard as the bare PTR (no announcement of avahi's reached this browser), so
    // the rest came from answers to the browser's own questions.
    const seen = lines(late).filter((l) => (l.event === 'added' || l.event === 'updated') && (l.payload as ServiceInstance).name === 'Avahi Resolves');
    expect(seen[0]!.payload).toMatchObject({ host: null, port: null, txt: [], missing: ['SRV', 'TXT', 'address'] });
    const done = seen.find((l) => (l.payload as ServiceInstance).port === 7100 && (l.payload as ServiceInstance).addresses.length > 0)!;
    timings.push(`a service known only by its PTR resolved by avahi ${done.t - seen[0]!.t} ms after the PTR arrived`);
    expect(live(late).get('Avahi Resolves')).toMatchObject({ host: `gsres${process.pid}.local`, port: 7100, txt: [{ key: 'from', value: 'avahi', binary: false }], missing: [] });
    expect(live(late).get('Avahi Resolves')!.addresses.map((a) => a.address)).toContain(lab.device.ipv4);
  }, 60_000);

  it('tells avahi every instance it knows, over several packets with TC, so avahi repeats none (§7.2)', async () => {
    const many = '_gsmany._tcp';
    const count = 90;
    const dir = mkdtempSync(join(tmpdir(), 'gs-resolve-many-'));
    try {
      mkdirSync(join(dir, 'services'), { recursive: true });
      writeFileSync(
        join(dir, 'avahi-daemon.conf'),
        `[server]\nhost-name=gsmany${process.pid}\ndomain-name=local\nuse-ipv4=yes\nuse-ipv6=no\nallow-interfaces=${lab.device.iface}\nenable-dbus=no\nratelimit-interval-usec=0\n\n[wide-area]\nenable-wide-area=no\n\n[publish]\npublish-addresses=yes\npublish-hinfo=no\npublish-workstation=no\n`,
      );
      for (let i = 0; i < count; i++) {
        writeFileSync(
          join(dir, 'services', `s${i}.service`),
          `<?xml version="1.0" standalone='no'?>\n<!DOCTYPE service-group SYSTEM "avahi-service.dtd">\n<service-group>\n  <name>Many Instance ${i}</name>\n  <service protocol="ipv4">\n    <type>${many}</type>\n    <port>${7200 + i}</port>\n  </service>\n</service-group>\n`,
        );
      }
      const listener = spawn('inspector', [PEER, 'listen', lab.inspector.iface, lab.inspector.ipv4]);
      await listener.waitForLine(/"event":"ready"/, 15_000);
      const avahi = lab.device.spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c', `mount -t tmpfs tmpfs /run && mkdir -p /run/avahi-daemon && mount --bind ${dir} /etc/avahi && exec avahi-daemon --no-drop-root --no-chroot --no-rlimits -f /etc/avahi/avahi-daemon.conf`]);
      procs.push(avahi);
      const last = `Many Instance ${count - 1}.${many}.local`;
      const heard = (): Line[] => lines(listener).filter((l) => l.event === 'heard' && (l.payload as { from: string }).from === lab.device.ipv4);
      await waitUntil(() => heard().filter((l) => (l.payload as { records: string[][] }).records.some(([n, t]) => n === last && t === 'SRV')).length >= 3, "avahi's three announcements", 30_000);
      const browser = spawn('inspector', [RUNNER, 'events', 'ipv4', `types=${many}`]);
      await browser.waitForLine(/"event":"started"/, 15_000);
      await waitUntil(() => live(browser).size === count, `all ${count} instances`, 10_000);
      // The browser's queries as the listener heard them, each a packet.
      const asked = (): Array<{ t: number; tc: boolean; questions: string[][]; known: number }> =>
        lines(listener)
          .filter((l) => l.event === 'heard-query' && (l.payload as { from: string }).from === lab.inspector.ipv4)
          .map((l) => ({ t: l.t, ...(l.payload as { tc: boolean; questions: string[][]; known: number }) }));
      const full = (): Array<{ t: number; tc: boolean; questions: string[][]; known: number }> => asked().filter((q) => q.questions.length > 0 && q.tc);
      // Only a query sent once the browser knew every instance can list them all: on a busy machine
      // avahi's answers to the first question may still be arriving at the 1 s query. The queries the
      // listener had printed when the browser said it knew all of them came before; the next one may
      // still be on its way through the listener's pipe, so the pair starts at the one after it
      // (the queries are 1 s, 2 s, 4 s, 8 s apart).
      const before = full().length;
      await waitUntil(() => full().length >= before + 3, 'two queries whose known answers need several packets', 30_000);
      const [first, second] = full().slice(before + 1);
      const between = asked().filter((q) => q.t >= first!.t && q.t < second!.t);
      const known = between.reduce((n, q) => n + q.known, 0);
      const repeated = heard().filter((l) => l.t > first!.t && l.t < second!.t && (l.payload as { records: string[][] }).records.some(([n, t]) => n === `${many}.local` && t === 'PTR'));
      timings.push(`${count} instances: the browser's query went as ${between.length} packets (${between.map((q) => q.known).join(' + ')} known answers); avahi repeated ${repeated.length} PTR packets before the next query`);
      expect(between.map((q) => q.tc)).toEqual([...between.slice(1).map(() => true), false]);
      expect(known).toBe(count);
      expect(repeated).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
