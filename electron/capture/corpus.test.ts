// The corpus check: every capture fixture (the lab's own and the public ones in fixtures/corpus, see
// fixtures/SOURCES.md) is read by Gapscope, through the same path as `gapscope analyze`, and by
// tshark, and the UDP flows with their datagram and byte counts must agree. Where they differ, the
// difference is listed here per file and flow with the Gapscope warning that says why; a difference
// not listed, or a listed one whose warning is missing, fails. Files tshark refuses are listed with
// what Gapscope says about them. tshark must be installed (a missing tshark fails the test).
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeCapture, listCaptureFlows } from './analyzeCapture';

const DIR = join(__dirname, 'fixtures');
const CORPUS = join(DIR, 'corpus');
const CAPTURE = /\.(pcap|pcapng|cap)(\.gz)?$/;
const FILES = [
  ...readdirSync(DIR).filter((f) => CAPTURE.test(f)),
  ...readdirSync(CORPUS).filter((f) => CAPTURE.test(f)).map((f) => `corpus/${f}`),
].sort();

/** What tshark and Gapscope are known to disagree on in one file, and the warning that says why. */
interface Difference {
  flow: string;
  warning: string;
  why: string;
}

/** Per file: the flows that differ (each explained), or, for a file tshark refuses, what Gapscope does. */
const EXPECTED: Record<string, { differ?: Difference[]; tsharkRefuses?: RegExp; gapscopeRefuses?: RegExp; gapscopeWarns?: string }> = {
  'corpus/tcpdump-arcnet-rfc1051.pcap': {
    differ: [
      { flow: '10.80.131.1:1024 > 10.80.3.254:53', warning: 'link-type-129', why: 'ARCNET (link type 129) is not read; the warning counts the 26 frames skipped' },
      { flow: '10.80.3.254:53 > 10.80.131.1:1024', warning: 'link-type-129', why: 'the same' },
    ],
  },
  'corpus/ndpi-capwap.pcap': {
    differ: [{ flow: '0.0.0.0:68 > 255.255.255.255:67', warning: 'not-read: CAPWAP data (wireless frames tunnelled to a controller)', why: 'DHCP inside 802.11 frames inside CAPWAP data: Gapscope does not read 802.11, and its warning counts the CAPWAP data datagrams it did not open' }],
  },
  'corpus/tcpdump-bootp-asan.pcap': {
    differ: [{ flow: '18.0.0.15:16896 > 107.95.83.32:68', warning: 'fragment-cut', why: 'a fuzzed first fragment cut by the snap length: tshark shows its UDP header, Gapscope does not count a datagram it cannot reassemble' }],
  },
  'corpus/tcpdump-cve-2014-8767-olsr.pcap': {
    differ: [{ flow: '10.1.1.104:698 > 10.2.2.2:698', warning: 'udp-longer-than-ip', why: 'the UDP length (514) exceeds the IP packet: tshark counts the UDP length, Gapscope what the IP packet holds (33 bytes)' }],
  },
  'corpus/zeek-ipv6-mobility-dst-opts.pcap': {
    differ: [
      {
        flow: '[2001:4f8:4:7:2e0:81ff:fe52:ffff]:30000 > [2001:4f8:4:7:2e0:81ff:fe52:9a6b]:13000',
        warning: 'bad-ipv6-option',
        why: 'frame 3\u2019s Home Address option says it is 1 byte long and holds 16: tshark reads 16 regardless, Gapscope stops at an option that does not fit its header',
      },
    ],
  },
  'corpus/libpcap-pcap-invalid-version-1.pcap': { tsharkRefuses: /major version 1 unsupported/, gapscopeRefuses: /Unsupported pcap version 1\.4/ },
  'corpus/libpcap-pcapng-invalid-vers-1.pcapng': { tsharkRefuses: /unknown SHB version 0\.1/, gapscopeRefuses: /Unsupported pcapng version 0\.1/ },
  'corpus/libpcap-pcapng-invalid-vers-2.pcapng': { tsharkRefuses: /unknown SHB version 1\.1/, gapscopeRefuses: /Unsupported pcapng version 1\.1/ },
  'corpus/libpcap-shb-option-too-long.pcapng': { tsharkRefuses: /Not enough data to handle option/, gapscopeRefuses: /trailing length .* differs from its leading length/ },
  'corpus/libpcap-linktype-reserved-field-not-zero.pcap': { tsharkRefuses: /reserved field not zero \(0x00300000\)/, gapscopeWarns: 'link-type-reserved-bits' },
};

interface TsharkFlow {
  packets: number;
  bytes: number;
}

function attr(line: string, name: string): string {
  return new RegExp(`\\b${name}="([^"]*)"`).exec(line)?.[1] ?? '';
}

/**
 * tshark's UDP datagrams per "src:port > dst:port", from its PDML: every UDP layer of every frame
 * (a VXLAN datagram and the one inside it both count, as in `-z conv,udp`), with the addresses of
 * the IP header just before it; UDP quoted inside ICMP errors is not a datagram. Throws with
 * tshark's message when it refuses the file.
 */
function tsharkFlows(file: string): Map<string, TsharkFlow> {
  const run = spawnSync('tshark', ['-r', file, '-T', 'pdml'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(run.stderr);
  const flows = new Map<string, TsharkFlow>();
  const open: string[] = [];
  let src = '';
  let dst = '';
  let v6 = false;
  let udp: { sport: string; dport: string; length: string } | null = null;
  for (const raw of run.stdout.split('\n')) {
    const line = raw.trim();
    const quoted = open.includes('icmp') || open.includes('icmpv6');
    if (line.startsWith('<packet>')) {
      open.length = 0;
    } else if (line.startsWith('<proto ')) {
      const name = attr(line, 'name');
      if (!line.endsWith('/>')) open.push(name);
      if (name === 'udp' && !quoted) udp = { sport: '', dport: '', length: '' };
    } else if (line.startsWith('</proto>')) {
      if (open.pop() === 'udp' && udp) {
        const id = v6 ? `[${src}]:${udp.sport} > [${dst}]:${udp.dport}` : `${src}:${udp.sport} > ${dst}:${udp.dport}`;
        const f = flows.get(id) ?? { packets: 0, bytes: 0 };
        f.packets += 1;
        f.bytes += Number(udp.length) - 8;
        flows.set(id, f);
        udp = null;
      }
    } else if (line.startsWith('<field ') && !quoted) {
      const name = attr(line, 'name');
      const layer = open.at(-1);
      if (layer === 'ip' && name === 'ip.src') [src, v6] = [attr(line, 'show'), false];
      else if (layer === 'ip' && name === 'ip.dst') dst = attr(line, 'show');
      else if (layer === 'ipv6' && name === 'ipv6.src') [src, v6] = [attr(line, 'show'), true];
      else if (layer === 'ipv6' && name === 'ipv6.dst') dst = attr(line, 'show');
      else if (layer === 'udp' && udp && name === 'udp.srcport') udp.sport = attr(line, 'show');
      else if (layer === 'udp' && udp && name === 'udp.dstport') udp.dport = attr(line, 'show');
      else if (layer === 'udp' && udp && name === 'udp.length') udp.length = attr(line, 'show');
    }
  }
  return flows;
}

function tsharkFields(file: string, args: string[]): string[][] {
  const out = execFileSync('tshark', ['-r', file, ...args, '-T', 'fields', '-E', 'separator=|'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  return out.split('\n').filter(Boolean).map((l) => l.split('|'));
}

// tshark starts slowly on a loaded machine (seconds at times): generous timeouts.
describe('corpus check: every capture fixture, Gapscope against tshark', { timeout: 120_000 }, () => {
  it('has the fixtures and the exceptions it lists', () => {
    expect(FILES.length).toBeGreaterThan(40);
    for (const f of Object.keys(EXPECTED)) expect(FILES).toContain(f);
  });

  for (const file of FILES) {
    it(`${file}: the same UDP flows, datagrams and bytes as tshark, or a warning says why`, async () => {
      const path = join(DIR, file);
      const expected = EXPECTED[file] ?? {};
      let theirs: Map<string, TsharkFlow> | null = null;
      let refusal = '';
      try {
        theirs = tsharkFlows(path);
      } catch (e) {
        refusal = (e as Error).message;
      }
      if (expected.tsharkRefuses) {
        expect(theirs, 'tshark was expected to refuse the file').toBeNull();
        expect(refusal).toMatch(expected.tsharkRefuses);
        if (expected.gapscopeRefuses) {
          await expect(listCaptureFlows(path)).rejects.toThrow(expected.gapscopeRefuses);
        } else {
          const { capture } = await listCaptureFlows(path);
          expect(capture.warnings.map((w) => w.kind)).toContain(expected.gapscopeWarns);
        }
        return;
      }
      expect(refusal, 'tshark refused the file').toBe('');
      const { flows, capture } = await listCaptureFlows(path);
      const ours = new Map(flows.map((f) => [f.id, { packets: f.packets, bytes: f.bytes }]));
      const differing = new Set<string>();
      for (const id of new Set([...theirs!.keys(), ...ours.keys()])) {
        const a = theirs!.get(id);
        const b = ours.get(id);
        if (!a || !b || a.packets !== b.packets || a.bytes !== b.bytes) differing.add(id);
      }
      const listed = expected.differ ?? [];
      const detail = JSON.stringify({ tshark: [...differing].map((id) => [id, theirs!.get(id), ours.get(id)]), warnings: capture.warnings.map((w) => w.kind) });
      expect([...differing].sort(), detail).toEqual(listed.map((d) => d.flow).sort());
      const kinds = capture.warnings.map((w) => w.kind);
      for (const d of listed) expect(kinds, `${d.flow}: ${d.why}`).toContain(d.warning);
    });
  }
});

describe('what the corpus shows, point by point (#13)', { timeout: 120_000 }, () => {
  it('duplicates do not hide loss: RTP captured twice on a router, 11 of 537 never sent on (tshark says −515 lost)', async () => {
    const path = join(CORPUS, 'rtp-dup.pcapng.gz');
    const seqs = tsharkFields(path, ['-d', 'udp.port==5004,rtp', '-Y', 'rtp', '-e', 'rtp.seq']).map(([s]) => Number(s));
    const distinct = new Set(seqs);
    const expectedIds = Math.max(...seqs) - Math.min(...seqs) + 1;
    expect([seqs.length, distinct.size, expectedIds]).toEqual([1052, 526, 537]);
    const streams = execFileSync('tshark', ['-r', path, '-d', 'udp.port==5004,rtp', '-q', '-z', 'rtp,streams'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(streams).toMatch(/1052\s+-515 \(/); // tshark's own Lost: expected − received, duplicates counted
    const r = await analyzeCapture(path, { port: 5004, decode: 'rtp' });
    expect(r.loss).toMatchObject({ received: seqs.length, expected: expectedIds, lost: expectedIds - distinct.size, duplicates: seqs.length - distinct.size, reordered: 0 });
  });

  it('duplicates do not hide loss: iperf 2 captured twice, Lost/Total as the iperf server printed it (11/753, see SOURCES.md)', async () => {
    const path = join(CORPUS, 'iperf2-dup.pcapng.gz');
    // Client to server only; tshark's iperf2 dissector reads the datagram id, negative for the end of the test.
    const ids = tsharkFields(path, ['-d', 'udp.port==5001,iperf2', '-Y', 'iperf2 && udp.dstport == 5001', '-e', 'iperf2.udp.sequence']).map(([s]) => Number(s));
    const distinct = new Set(ids.filter((id) => id > 0));
    // iperf 2.1.8's Total is the id of the first end-of-test datagram (the least negative), which it counts too.
    const total = -Math.max(...ids.filter((id) => id < 0));
    const r = await analyzeCapture(path, { port: 5001, decode: 'iperf2' });
    expect(r.loss).toMatchObject({ expected: total, lost: total - distinct.size - 1 });
    expect([r.loss!.lost, r.loss!.expected]).toEqual([11, 753]); // what `iperf -s -u` printed for the run
    expect(r.loss!.duplicates).toBeGreaterThan(700);
  });

  it('UDP over PPPoE, QinQ, IP-in-IP, GRE and VXLAN is found (the flow comparison above checks the counts)', async () => {
    const stats = async (f: string) => (await listCaptureFlows(join(CORPUS, f))).capture.extract;
    expect(await stats('ndpi-dns-pppoe.pcap')).toMatchObject({ udpDatagrams: 5, pppoe: 2 });
    expect(await stats('ndpi-syslog-pppoe.pcap')).toMatchObject({ udpDatagrams: 83, pppoe: 6 });
    expect(await stats('ndpi-4in4tunnel-qinq.pcap')).toMatchObject({ udpDatagrams: 5, vlanTagged: 5, tunneled: 5 });
    expect((await stats('zeek-gre-pptp.pcap')).tunneled).toBeGreaterThan(0);
    expect((await stats('ndpi-vxlan.pcap')).tunneled).toBeGreaterThan(0);
  });

  it('every silence longer than the automatic threshold a report states is in its gap list (the 391.7 ms one against 84.7 ms in nDPI\'s uftp capture)', async () => {
    const cases: [string, string][] = [
      ['corpus/ndpi-uftp-gap-before-threshold.pcap', '10.0.0.1:37173 > 230.5.5.56:1044'],
      ['eth.pcapng', '10.98.72.1'],
      ['corpus/ndpi-syslog-pppoe.pcap', ''],
    ];
    for (const [file, hint] of cases) {
      const path = join(DIR, file);
      const { flows } = await listCaptureFlows(path);
      const flow = flows.find((f) => f.id.startsWith(hint) && f.packets > 40) ?? flows[0]!;
      const r = await analyzeCapture(path, { flow: flow.id });
      expect(r.gapThresholdAutomatic).toBe(true);
      const [src, dst] = flow.id.split(' > ');
      const host = (e: string): string => e.slice(0, e.lastIndexOf(':')).replace(/^\[|\]$/g, '');
      const port = (e: string): string => e.slice(e.lastIndexOf(':') + 1);
      const filter = `ip.src == ${host(src!)} && udp.srcport == ${port(src!)} && ip.dst == ${host(dst!)} && udp.dstport == ${port(dst!)} && !icmp`;
      const times = tsharkFields(path, ['-Y', filter, '-e', 'frame.time_relative']).map(([t]) => Number(t) * 1000);
      expect(times.length, file).toBe(flow.packets);
      const silences = [];
      for (let i = 1; i < times.length; i++) if (times[i]! - times[i - 1]! > r.gapThresholdMs) silences.push(Math.round(times[i - 1]! * 1000) / 1000);
      expect(r.gaps.map((g) => Math.round(g.startMs * 1000) / 1000), `${file}: silences over ${r.gapThresholdMs} ms`).toEqual(silences);
    }
    const uftp = await analyzeCapture(join(CORPUS, 'ndpi-uftp-gap-before-threshold.pcap'), {});
    expect(uftp.gapThresholdMs).toBeCloseTo(84.7, 1);
    expect(uftp.gaps.map((g) => Math.round(g.durationMs * 10) / 10)).toEqual([391.7]);
  });

  it('MPEG-TS over UDP (TSDuck\'s test capture): the packets and continuity losses tshark counts', async () => {
    const path = join(CORPUS, 'tsduck-mpegts-udp.pcapng');
    const { flows } = await listCaptureFlows(path);
    let packets = 0;
    let lost = 0;
    for (const f of flows) {
      const r = await analyzeCapture(path, { flow: f.id, decode: 'mpegts' });
      packets += r.loss!.received;
      lost += r.loss!.lost!;
    }
    const pids = tsharkFields(path, ['-Y', 'mp2t', '-e', 'mp2t.pid']).flatMap(([p]) => p!.split(',')).filter((p) => Number(p) !== 0x1fff);
    const drops = tsharkFields(path, ['-Y', 'mp2t.cc.drop', '-e', 'frame.number']).length;
    expect(packets).toBe(pids.length);
    expect(lost).toBe(drops);
  });

  it('NFS over UDP (ONC RPC, a counter at offset 0) is not taken for iperf 2 and reported with a billion lost', async () => {
    const path = join(CORPUS, 'ndpi-nfsv2.pcap');
    const { flows } = await listCaptureFlows(path);
    for (const f of flows.filter((x) => x.packets >= 16)) {
      const r = await analyzeCapture(path, { flow: f.id });
      expect(r.decode?.format, f.id).not.toBe('iperf2');
    }
  });

  it('a 122 ms flow of a merged capture whose clocks are years apart lasts 122 ms, and both interfaces are named', async () => {
    const path = join(CORPUS, 'ndpi-rtp-merged-clocks.pcapng');
    const flow = '192.113.193.227:50003 > 150.219.118.19:54234';
    const times = tsharkFields(path, ['-Y', 'ip.src == 192.113.193.227 && udp.srcport == 50003', '-e', 'frame.time_epoch']).map(([t]) => Number(t) * 1000);
    const span = Math.max(...times) - Math.min(...times);
    expect(span).toBeGreaterThan(100);
    const r = await analyzeCapture(path, { flow });
    expect(r.lastPacketMs! - r.firstPacketMs!).toBeCloseTo(span, 2);
    expect(r.durationMs).toBeLessThan(100_000); // the stretch of 2022 it was captured in (75.7 s), not 9.9 years
    expect(r.bins.length).toBeLessThan(1000);
    const messages = r.capture.warnings.filter((w) => w.kind.startsWith('clock-jump')).map((w) => w.message);
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(/^Interface 1 \(em1\)'s clock is 3\.8 years ahead/), expect.stringMatching(/^Interface 0 \(Unknown\)'s timestamps jump by 9\.9 years/)]));
  });
});
