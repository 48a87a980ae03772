// Real captures made with tshark in the lab (see fixtures/SOURCES.md): the datagrams Gapscope reads
// from each must be the ones tshark itself dissects as UDP, flow by flow, with the same sizes and
// times. The expected numbers come from running tshark in the test, so tshark must be installed
// (a missing tshark fails the test).
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OfflineAnalysis } from '../../shared/capture/offlineAnalysis';
import { analyzeCapture, listCaptureFlows } from './analyzeCapture';
import { readCaptureFile } from './captureFile';

const DIR = join(__dirname, 'fixtures');
const FILES = ['eth.pcapng', 'eth.pcap', 'eth-ns.pcap', 'eth.pcapng.gz', 'sll.pcap', 'sll2.pcapng', 'vlan.pcapng', 'frag.pcapng', 'raw.pcap', 'null.pcap', 'loop.pcap'];
/** UDP as a datagram, not quoted inside an ICMP error. */
const UDP = 'udp && !icmp && !icmpv6';

function tshark(args: string[]): string {
  return execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

interface TsharkFlow {
  packets: number;
  bytes: number;
  firstMs: number;
  lastMs: number;
}

/** Per flow ("src:port > dst:port"), what tshark dissects. */
function tsharkFlows(file: string): Map<string, TsharkFlow> {
  const out = tshark(['-r', join(DIR, file), '-Y', UDP, '-T', 'fields', '-E', 'separator=|', '-e', 'frame.time_epoch', '-e', 'ip.src', '-e', 'ipv6.src', '-e', 'udp.srcport', '-e', 'ip.dst', '-e', 'ipv6.dst', '-e', 'udp.dstport', '-e', 'udp.length']);
  const flows = new Map<string, TsharkFlow>();
  for (const line of out.split('\n').filter(Boolean)) {
    const [t, ip4s, ip6s, sport, ip4d, ip6d, dport, len] = line.split('|');
    const src = ip4s ? `${ip4s}:${sport}` : `[${ip6s}]:${sport}`;
    const dst = ip4d ? `${ip4d}:${dport}` : `[${ip6d}]:${dport}`;
    const id = `${src} > ${dst}`;
    const ms = Number(t) * 1000;
    const f = flows.get(id) ?? { packets: 0, bytes: 0, firstMs: ms, lastMs: ms };
    f.packets += 1;
    f.bytes += Number(len) - 8;
    f.firstMs = Math.min(f.firstMs, ms);
    f.lastMs = Math.max(f.lastMs, ms);
    flows.set(id, f);
  }
  return flows;
}

// tshark starts slowly on a loaded machine (several seconds at times): generous timeouts.
describe('captures made with tshark in the lab', { timeout: 60_000 }, () => {
  it('tshark is installed (these tests compare with it)', () => {
    expect(tshark(['--version'])).toMatch(/TShark/);
  });

  for (const file of FILES) {
    it(`${file}: the same UDP flows, datagrams, bytes and times as tshark`, async () => {
      const expected = tsharkFlows(file);
      expect(expected.size).toBeGreaterThan(0);
      const { flows, capture } = await listCaptureFlows(join(DIR, file));
      expect(capture.extract.udpDatagrams).toBe([...expected.values()].reduce((s, f) => s + f.packets, 0));
      expect(flows.map((f) => f.id).sort()).toEqual([...expected.keys()].sort());
      for (const f of flows) {
        const e = expected.get(f.id)!;
        expect({ id: f.id, packets: f.packets, bytes: f.bytes }).toEqual({ id: f.id, packets: e.packets, bytes: e.bytes });
        // tshark prints epoch seconds with 9 decimals; a double of ms keeps about a microsecond.
        expect(Math.abs(f.firstMs - e.firstMs)).toBeLessThan(0.002);
        expect(Math.abs(f.lastMs - e.lastMs)).toBeLessThan(0.002);
      }
      expect(capture.warnings).toEqual([]);
    });
  }

  it('frag.pcapng: every 4000-byte datagram was reassembled, IPv4 and IPv6', async () => {
    const { flows, capture } = await listCaptureFlows(join(DIR, 'frag.pcapng'));
    expect(flows.map((f) => [f.family, f.reassembled, f.bytes / f.packets])).toEqual(expect.arrayContaining([[4, 20, 4000], [6, 20, 4000]]));
    expect(capture.fragments.lostFragments).toBe(0);
    // tshark's count of fragment frames, with its own reassembly off so that every fragment shows as one.
    const frags = tshark(['-r', join(DIR, 'frag.pcapng'), '-o', 'ip.defragment:FALSE', '-o', 'ipv6.defragment:FALSE', '-Y', '(ip.flags.mf == 1 || ip.frag_offset > 0 || ipv6.fraghdr) && !icmp && !icmpv6']).split('\n').filter(Boolean).length;
    expect(frags).toBe(120);
    expect(capture.fragments.fragments).toBe(frags);
  });

  it('vlan.pcapng: single and stacked tags', async () => {
    const { capture } = await listCaptureFlows(join(DIR, 'vlan.pcapng'));
    const tagged = tshark(['-r', join(DIR, 'vlan.pcapng'), '-Y', 'vlan']).split('\n').filter(Boolean).length;
    expect(capture.extract.vlanTagged).toBe(tagged);
    const stacked = tshark(['-r', join(DIR, 'vlan.pcapng'), '-Y', 'eth.type == 0x88a8']).split('\n').filter(Boolean).length;
    expect(stacked).toBe(40);
  });

  it('eth.pcapng: analyze finds the sender-side cut-out where tshark\u2019s own times put it', async () => {
    const report = await analyzeCapture(join(DIR, 'eth.pcapng'), { port: 5000, gapMs: 100 });
    // Times relative to the first frame of the file, as tshark's frame.time_relative.
    const rel = tshark(['-r', join(DIR, 'eth.pcapng'), '-Y', `${UDP} && udp.dstport == 5000`, '-T', 'fields', '-e', 'frame.time_relative'])
      .split('\n').filter(Boolean).map((s) => Number(s) * 1000);
    const gaps: { startMs: number; endMs: number }[] = [];
    for (let i = 1; i < rel.length; i++) if (rel[i]! - rel[i - 1]! > 100) gaps.push({ startMs: rel[i - 1]!, endMs: rel[i]! });
    expect(gaps.length).toBeGreaterThan(0);
    expect(report.packets).toBe(rel.length);
    expect(report.gapCount).toBe(gaps.length);
    report.gaps.forEach((g, i) => {
      expect(Math.abs(g.startMs - gaps[i]!.startMs)).toBeLessThan(0.002);
      expect(Math.abs(g.endMs - gaps[i]!.endMs)).toBeLessThan(0.002);
    });
    expect(report.firstPacketMs).toBeCloseTo(rel[0]!, 2);
    // The sender's sequence numbers say how many datagrams the cut-out dropped.
    expect(report.decode?.format).toBe('seq');
    expect(report.gaps[0]!.lostPackets).toBe(report.loss!.lost);
    expect(report.stream).toMatchObject({ port: 5000, family: 'ipv4', kind: 'capture' });
  });

  it('the same report from the gzip-compressed file, and the nanosecond pcap matches the microsecond one', async () => {
    const plain = await analyzeCapture(join(DIR, 'eth.pcapng'), { port: 5000, gapMs: 100 });
    const gz = await analyzeCapture(join(DIR, 'eth.pcapng.gz'), { port: 5000, gapMs: 100 });
    expect(gz.capture.compressed).toBe(true);
    expect({ ...gz, capture: null, stream: null }).toEqual({ ...plain, capture: null, stream: null });
    const us = await analyzeCapture(join(DIR, 'eth.pcap'), { port: 5000, gapMs: 100 });
    const ns = await analyzeCapture(join(DIR, 'eth-ns.pcap'), { port: 5000, gapMs: 100 });
    expect({ ...ns, capture: null, stream: null }).toEqual({ ...us, capture: null, stream: null });
  });
});

describe('reading progress', () => {
  it('reports bytes of the file read, rising to its size, for plain and gzip files', async () => {
    for (const file of ['frag.pcapng', 'eth.pcapng.gz']) {
      const seen: { bytesRead: number; totalBytes: number; packets: number }[] = [];
      const analysis = new OfflineAnalysis({});
      const r = await readCaptureFile(join(DIR, file), analysis.reader(), { chunkBytes: 4096, progressEveryMs: 0, onProgress: (p) => seen.push(p) });
      expect(seen.length).toBeGreaterThan(2);
      const last = seen.at(-1)!;
      expect(last.bytesRead).toBe(statSync(join(DIR, file)).size);
      expect(last.totalBytes).toBe(last.bytesRead);
      expect(last.packets).toBe(analysis.reader().packetCount);
      for (let i = 1; i < seen.length; i++) expect(seen[i]!.bytesRead).toBeGreaterThanOrEqual(seen[i - 1]!.bytesRead);
      expect(r.compressed).toBe(file.endsWith('.gz'));
    }
  });
});
