// mDNS from beyond the link is not believed (RFC 6762 §11, issue 13 item 7): a third namespace,
// 203.0.113.9 and 2001:db8:113::9, routed through the device namespace to the inspector, sends
// complete responses (PTR, SRV, TXT, A) to the inspector's port 5353 by unicast; the device itself
// sends one from port 40000. Gapscope's browser (electron/bonjour/testing/runBrowse.ts) must list
// only the service the device sent properly, count the others as dropped with their reason, and
// name their sources in a warning.
//
// Subnet 10.98.54.0/24, fd00:98:36::/64, plus 203.0.113.0/24 and 2001:db8:113::/64 behind the
// device. Needs root and iproute2. Everything is removed at teardown.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabPair, NAMESPACE_PREFIX, waitUntil, type LabPair, type LabProcess } from '../../lab/netns';
import { REPO_DIR } from '../../lab/streams';
import { JITI, PEER, RUNNER, lines, live } from './testing/labLines';

const SUBNET = 54;
const OFF_V4 = '203.0.113.9';
const OFF_V6 = '2001:db8:113::9';

function warnings(p: LabProcess): string[] {
  return lines(p)
    .filter((l) => l.event === 'warning')
    .map((l) => l.payload as string);
}

/** A complete advertisement of one instance (PTR, SRV, TXT, A), as a responder answers. */
function service(name: string, host: string, address: string): unknown[] {
  const full = `${name}._http._tcp.local`;
  return [
    { name: '_http._tcp.local', type: 'PTR', ttl: 4500, data: full },
    { name: full, type: 'SRV', ttl: 120, flush: true, data: { priority: 0, weight: 0, port: 8080, target: host } },
    { name: full, type: 'TXT', ttl: 4500, flush: true, data: ['path=/'] },
    { name: host, type: 'A', ttl: 120, flush: true, data: address },
  ];
}

function sh(...args: string[]): string {
  return execFileSync(args[0]!, args.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('mDNS from beyond the link', () => {
  let lab: LabPair;
  // The third namespace: named like the harness's, so that a crashed run's is swept at the next start.
  const offNs = `${NAMESPACE_PREFIX}d-${process.pid}-off${SUBNET}`;
  const offIf = `go${process.pid}`.slice(0, 15);
  const routerIf = `gr${process.pid}`.slice(0, 15);
  let browser: LabProcess | null = null;

  beforeAll(async () => {
    lab = await createLabPair({ subnet: SUBNET });
    const dev = lab.device.ns;
    sh('ip', 'netns', 'add', offNs);
    sh('ip', 'link', 'add', offIf, 'type', 'veth', 'peer', 'name', routerIf);
    sh('ip', 'link', 'set', offIf, 'netns', offNs);
    sh('ip', 'link', 'set', routerIf, 'netns', dev);
    sh('ip', 'netns', 'exec', offNs, 'sysctl', '-q', '-w', `net.ipv6.conf.${offIf}.accept_dad=0`);
    sh('ip', 'netns', 'exec', dev, 'sysctl', '-q', '-w', `net.ipv6.conf.${routerIf}.accept_dad=0`);
    sh('ip', '-n', offNs, 'link', 'set', 'lo', 'up');
    sh('ip', '-n', offNs, 'addr', 'add', `${OFF_V4}/24`, 'dev', offIf);
    sh('ip', '-n', offNs, '-6', 'addr', 'add', `${OFF_V6}/64`, 'dev', offIf, 'nodad');
    sh('ip', '-n', offNs, 'link', 'set', offIf, 'up');
    sh('ip', '-n', dev, 'addr', 'add', '203.0.113.1/24', 'dev', routerIf);
    sh('ip', '-n', dev, '-6', 'addr', 'add', '2001:db8:113::1/64', 'dev', routerIf, 'nodad');
    sh('ip', '-n', dev, 'link', 'set', routerIf, 'up');
    sh('ip', 'netns', 'exec', dev, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1');
    sh('ip', 'netns', 'exec', dev, 'sysctl', '-q', '-w', 'net.ipv6.conf.all.forwarding=1');
    sh('ip', '-n', offNs, 'route', 'add', 'default', 'via', '203.0.113.1');
    sh('ip', '-n', offNs, '-6', 'route', 'add', 'default', 'via', '2001:db8:113::1');
    sh('ip', '-n', lab.inspector.ns, 'route', 'add', '203.0.113.0/24', 'via', lab.device.ipv4);
    sh('ip', '-n', lab.inspector.ns, '-6', 'route', 'add', '2001:db8:113::/64', 'via', lab.device.ipv6);
    // That the routes carry packets both ways is shown by the warnings below, which name these sources.
  });

  afterAll(async () => {
    browser?.kill('SIGKILL');
    await browser?.exited;
    await lab?.teardown();
    try {
      sh('ip', 'netns', 'del', offNs);
    } catch {
      /* already gone */
    }
  });

  it('lists only what came from the link and port 5353, and counts the rest as dropped with the reason', async () => {
    browser = lab.inspector.spawn('node', [JITI, RUNNER, 'events'], { cwd: REPO_DIR });
    const b = browser;
    await b.waitForLine(/"event":"started"/, 15_000);

    const offLink = [
      { to: lab.inspector.ipv4, port: 5353, fromPort: 5353, family: 'ipv4', answers: service('Off Link', 'off.local', OFF_V4) },
      { to: lab.inspector.ipv4, port: 5353, fromPort: 40000, family: 'ipv4', answers: service('Off Link 40000', 'off.local', OFF_V4) },
      { to: lab.inspector.ipv6, port: 5353, fromPort: 5353, family: 'ipv6', answers: service('Off Link v6', 'off.local', OFF_V4) },
    ];
    const r1 = await lab.device.exec('ip', ['netns', 'exec', offNs, 'node', JITI, PEER, 'send', JSON.stringify(offLink)], { cwd: REPO_DIR, timeoutMs: 20_000 });
    expect(r1.stdout).toContain('"event":"sent"');
    const onLink = [
      { to: '224.0.0.251', port: 5353, fromPort: 40000, family: 'ipv4', answers: service('Wrong Port', 'dev.local', lab.device.ipv4) },
      { to: '224.0.0.251', port: 5353, fromPort: 5353, family: 'ipv4', answers: service('On Link', 'dev.local', lab.device.ipv4) },
    ];
    const r2 = await lab.device.exec('node', [JITI, PEER, 'send', JSON.stringify(onLink)], { cwd: REPO_DIR, timeoutMs: 20_000 });
    expect(r2.stdout).toContain('"event":"sent"');

    await waitUntil(
      () => live(b).get('On Link')?.port === 8080 && warnings(b).some((w) => w.includes(OFF_V4)) && warnings(b).some((w) => w.includes(OFF_V6)) && warnings(b).some((w) => w.includes('port 40000')),
      'the on-link service, and a warning for each refused source',
      10_000,
    ).catch((e: unknown) => {
      throw new Error(`${String(e)}; live: ${[...live(b).keys()].join(', ')}; warnings: ${warnings(b).join(' | ')}; stderr: ${b.stderr().slice(-500)}`);
    });
    b.kill('SIGTERM');
    await b.exited;
    const stats = lines(b).find((l) => l.event === 'stats')!.payload as { dropped: Record<string, number> };
    expect([...live(b).keys()]).toEqual(['On Link']);
    expect(stats.dropped['off-link']).toBe(3);
    expect(stats.dropped['source-port']).toBe(1);
    const off = warnings(b).find((w) => w.includes(OFF_V4))!;
    expect(off).toMatch(/mDNS packets from 203\.0\.113\.9 are ignored: that address is on no subnet of .*RFC 6762 §11/);
    expect(warnings(b).find((w) => w.includes('port 40000'))).toBe(`mDNS responses from ${lab.device.ipv4} port 40000 are ignored: responses come from port 5353 (RFC 6762 §11), so these are not from a responder.`);
    // One warning per source, however many of its packets came.
    expect(warnings(b).filter((w) => w.includes(OFF_V4))).toHaveLength(1);
  });
});
