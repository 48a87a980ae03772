// A real IGMP and MLD querier on the link: the Linux bridge's own (mcast_querier), in the device namespace,
// with the device's end of the veth as its port. A multicast stream's wire view
// (`gapscope listen --group … --wire beside --json`) must hear its membership queries: as many as
// tshark on the same veth, from the bridge's address, in the version the bridge speaks, and the
// report's snooping verdict must say that a querier is on the link. Until now the querier was tested
// on tcpdump's own captures only (wireView.test.ts).
//
// The querier is switched on only once both captures are up and off again before the end, so that
// both saw every query it sent. (A Linux bridge floods a group while it knows no querier, so the
// other half, snooping that forgets a group without one, cannot be shown with it; that half stays on
// constructed gap series in multicastSnooping.test.ts.)
//
// Subnet 10.98.64.0/24. Needs root, iproute2 (bridge), tshark (dumpcap), tcpdump and `npm run build`.
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabPair, waitUntil, type LabPair } from '../../lab/netns';
import { REPO_DIR } from '../../lab/streams';
import { startListen, startReference, type WireReport } from './testing/wireLab';

const SUBNET = 64;
const GROUP = '239.1.64.7';
const PORT = 46_400;

let pair: LabPair;
let bridge: string;

beforeAll(async () => {
  if (!existsSync(join(REPO_DIR, 'out', 'main', 'cli.js'))) throw new Error('Gapscope is not built: run `npm run build` first.');
  pair = await createLabPair({ subnet: SUBNET });
  // The device's address moves from its veth end to a bridge whose one port is that end: the
  // bridge is then the host on the link, and its querier asks from that address.
  bridge = `gsq${process.pid}`.slice(0, 15);
  const d = pair.device;
  await d.exec('ip', ['link', 'add', bridge, 'type', 'bridge', 'mcast_snooping', '1', 'mcast_querier', '0', 'mcast_query_use_ifaddr', '1', 'mcast_igmp_version', '3', 'mcast_mld_version', '2', 'mcast_query_interval', '100', 'mcast_startup_query_interval', '100', 'mcast_startup_query_count', '1']);
  // Its link-local address, the MLD querier's source, without waiting for duplicate address detection.
  await d.exec('sysctl', ['-q', '-w', `net.ipv6.conf.${bridge}.accept_dad=0`]);
  await d.exec('ip', ['addr', 'flush', 'dev', d.iface]);
  await d.exec('ip', ['link', 'set', d.iface, 'master', bridge]);
  await d.exec('ip', ['addr', 'add', `${d.ipv4}/24`, 'dev', bridge]);
  await d.exec('ip', ['link', 'set', bridge, 'up']);
  await d.exec('ip', ['route', 'add', '224.0.0.0/4', 'dev', bridge]);
});

afterAll(async () => {
  // Deleting the namespaces deletes the bridge with them.
  await pair?.teardown();
});

/** What each family's case uses: the group, the capture filters and the reference's fields. */
const FAMILIES = {
  ipv4: { group: GROUP, port: PORT, version: 'IGMPv3', filter: 'igmp', query: 'igmp.type == 0x11', src: 'ip.src', socket: 'udp4' },
  ipv6: { group: 'ff15::64:7', port: PORT + 1, version: 'MLDv2', filter: 'ip6', query: 'icmpv6.type == 130', src: 'ipv6.src', socket: 'udp6' },
} as const;

/** Runs listen with the wire view on the family's group, has the bridge ask for a while, and returns the report beside tshark's queries. */
async function queriesHeard(family: keyof typeof FAMILIES): Promise<{ report: WireReport; ref: string[]; wire: number[] }> {
  const f = FAMILIES[family];
  const ins = pair.inspector;
  // The reference: tshark on the inspector's veth, the family's membership traffic and the stream.
  const ref = await startReference(ins, f.port, `${f.filter} or udp dst port ${f.port}`);
  try {
    const gs = await startListen(ins, f.port, [], { target: ['--group', f.group, '--iface', ins.iface] });

    // Both captures are up: the querier starts (one startup query, then one a second).
    await pair.device.exec('ip', ['link', 'set', bridge, 'type', 'bridge', 'mcast_querier', '1']);
    await waitUntil(async () => (await ref.count(f.query)) >= 3, 'tshark to see three membership queries', 20_000);
    await pair.device.exec('ip', ['link', 'set', bridge, 'type', 'bridge', 'mcast_querier', '0']);

    // The stream itself, after the last query: the wire view reads its pipe in order, so a report
    // that holds these datagrams holds every query before them; so does tshark's file.
    const send = `
      const s = require('node:dgram').createSocket('${f.socket}');
      s.bind(0, async () => {
        s.setMulticastInterface('${family === 'ipv4' ? pair.device.ipv4 : `::%${bridge}`}');
        for (let i = 0; i < 50; i++) {
          const b = Buffer.alloc(64); b.writeBigUInt64BE(BigInt(i), 0);
          await new Promise((r) => s.send(b, ${f.port}, '${f.group}', r));
        }
        s.close();
      });`;
    await pair.device.exec(process.execPath, ['-e', send]);
    await waitUntil(async () => (await ref.count()) === 50, 'tshark to write the stream', 20_000);
    const heardByRef = await ref.fields(f.query, f.src);
    const report = await gs.stop();
    // Every line was checked against the published schema; the queries heard, as each wire line said them.
    const wire = [...new Set(gs.lines.flatMap((l) => (l.type === 'wire' ? [l.querier?.heard ?? 0] : [])))];
    return { report, ref: heardByRef, wire };
  } finally {
    ref.stop();
    rmSync(dirname(ref.file), { recursive: true, force: true });
  }
}

describe('a real querier on the link', () => {
  it("the Linux bridge's IGMPv3 querier: the wire view hears each of its queries, as tshark does, and the verdict says a querier is there", async () => {
    const { report, ref, wire } = await queriesHeard('ipv4');
    expect(wire.filter((n) => n > 0)).toEqual(ref.map((_, i) => i + 1));
    expect(report.packets).toBe(50);
    expect(report.wire?.status.error).toBeNull();
    expect(ref.every((from) => from === pair.device.ipv4)).toBe(true);
    expect(report.wire?.status.querier).toMatchObject({ heard: ref.length, lastFrom: pair.device.ipv4, lastVersion: 'IGMPv3' });
    expect(report.snooping?.summary).toContain(`A querier is heard on the link: ${ref.length} membership queries, the last from ${pair.device.ipv4} (IGMPv3)`);
  }, 90_000);

  it("the same bridge's MLDv2 querier for an IPv6 group, from its link-local address", async () => {
    const linkLocal = /inet6 (fe80::[0-9a-f:]+)\//.exec((await pair.device.exec('ip', ['-6', 'addr', 'show', 'dev', bridge, 'scope', 'link'])).stdout)?.[1];
    expect(linkLocal).toBeDefined();
    const { report, ref, wire } = await queriesHeard('ipv6');
    expect(wire.filter((n) => n > 0)).toEqual(ref.map((_, i) => i + 1));
    expect(report.packets).toBe(50);
    expect(report.wire?.status.error).toBeNull();
    expect(ref.every((from) => from === linkLocal)).toBe(true);
    expect(report.wire?.status.querier).toMatchObject({ heard: ref.length, lastFrom: linkLocal, lastVersion: 'MLDv2' });
    expect(report.snooping?.summary).toContain(`${ref.length} membership queries, the last from ${linkLocal} (MLDv2)`);
  }, 90_000);
});
