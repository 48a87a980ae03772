/**
 * SessionExtras into a real file, read by the real tshark and capinfos (no network: the mDNS
 * datagrams are avahi-shaped responses built with dns-packet and handed to the hook directly, as the
 * Bonjour browser does). Checks that Wireshark dissects them as mDNS with the service's name, that
 * each timeline event is a frame with its comment and a syslog line, that memory stays bounded
 * when the disk falls behind, and that a full disk stops it with a clear message.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dnsPacket from 'dns-packet';
import { afterAll, describe, expect, it } from 'vitest';
import type { ErrorInfo } from '../../shared/contract';
import { interfaceDescriptionBlock, sectionHeaderBlock } from '../../shared/pcapng/write';
import { timelineInterfaceBlock, type DnsDatagramRecord } from '../../shared/pcapng/writeExtras';
import { TimelineLog } from '../kernel/timeline';
import { MAX_PENDING_BYTES, SessionExtras, WRITE_AT_BYTES } from './sessionExtras';
import { scanCapture } from './sessionLibrary';

const dir = mkdtempSync(join(tmpdir(), 'gs-extras-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tshark(file: string, filter: string, fields: string[]): string[][] {
  const out = execFileSync('tshark', ['-r', file, '-Y', filter, '-T', 'fields', '-E', 'occurrence=a', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  // Only the line ends are trimmed: empty trailing fields are values too.
  const text = out.replace(/\n+$/, '');
  return text === '' ? [] : text.split('\n').map((l) => l.split('\t'));
}

/** A capture as a session starts it: one stream interface (0), then the timeline (1). */
function newCapture(name: string): string {
  const file = join(dir, name);
  writeFileSync(file, Buffer.concat([sectionHeaderBlock({ userAppl: 'Gapscope test' }), interfaceDescriptionBlock({ name: 'gapscope stream s1', tsresol: 6 }), timelineInterfaceBlock()]));
  return file;
}

/** An announcement as avahi sends it for "NAME._http._tcp.local". */
function announcement(name: string, txtBytes = 0): Buffer {
  const instance = `${name}._http._tcp.local`;
  return dnsPacket.encode({
    type: 'response',
    id: 0,
    flags: dnsPacket.AUTHORITATIVE_ANSWER,
    answers: [
      { type: 'PTR', name: '_http._tcp.local', ttl: 4500, data: instance },
      { type: 'SRV', name: instance, ttl: 120, data: { port: 8080, target: 'labhost.local', priority: 0, weight: 0 } },
      { type: 'TXT', name: instance, ttl: 4500, data: txtBytes ? ['path=/status', 'x'.repeat(txtBytes)] : ['path=/status'] },
      { type: 'A', name: 'labhost.local', ttl: 120, data: '10.98.50.1' },
    ],
  });
}

type Hook = (d: { at: number; iface: string; source: string; port: number; data: Uint8Array }) => void;

function source(): { hook: Hook | null; subscribe: (l: Hook) => () => void } {
  const s = {
    hook: null as Hook | null,
    subscribe: (l: Hook) => {
      s.hook = l;
      return () => (s.hook = null);
    },
  };
  return s;
}

describe('mDNS and timeline events in a session capture', { timeout: 30_000 }, () => {
  it('tshark dissects the mDNS datagrams as mDNS with the service name, shows each event as a commented frame, and capinfos reads the file', async () => {
    const file = newCapture('extras.pcapng');
    const timeline = new TimelineLog();
    const mdns = source();
    const extras = new SessionExtras(file, 1, timeline, { mdnsPackets: mdns.subscribe }, () => undefined);
    const t0 = Date.now();
    mdns.hook!({ at: t0, iface: 'vins', source: '10.98.50.1', port: 5353, data: announcement('Lab Web ☕') });
    mdns.hook!({ at: t0 + 1, iface: 'vins', source: 'fe80::1%vins', port: 5353, data: announcement('Lab Web ☕') });
    mdns.hook!({ at: t0 + 2, iface: 'wlan0', source: '192.168.1.20', port: 5353, data: announcement('Printer') });
    timeline.post({ source: 'bonjour', kind: 'service-added', severity: 'info', summary: '"Lab Web ☕" (_http._tcp) appeared on vins', detail: { name: 'Lab Web ☕' } });
    timeline.post({ source: 'network', kind: 'interface-down', severity: 'warning', summary: 'vins went down' });
    // The recording's own marks are its bounds, not events in it.
    timeline.post({ source: 'session', kind: 'recording-stopped', severity: 'info', summary: 'Recording "x" stopped' });
    await extras.close();
    mdns.hook?.({ at: t0 + 3, iface: 'vins', source: '10.98.50.1', port: 5353, data: announcement('Too late') });
    expect(mdns.hook).toBeNull();

    expect(extras.info).toMatchObject({ timelineInterfaceId: 1, mdnsPackets: 3, events: 2, eventsSeen: 2, notRecorded: 0, mdnsInterfaces: [{ interfaceId: 2, iface: 'vins' }, { interfaceId: 3, iface: 'wlan0' }] });
    expect(extras.events.map((e) => e.kind)).toEqual(['service-added', 'interface-down']);

    const mdnsRows = tshark(file, 'mdns', ['ip.src', 'ipv6.src', 'ip.dst', 'ipv6.dst', 'udp.dstport', 'dns.resp.name', 'frame.interface_name']);
    expect(mdnsRows).toHaveLength(3);
    expect(mdnsRows[0]).toEqual(['10.98.50.1', '', '224.0.0.251', '', '5353', expect.stringContaining('Lab Web ☕._http._tcp.local'), 'vins (mDNS, Bonjour browser)']);
    expect(mdnsRows[1]!.slice(1, 5)).toEqual(['fe80::1', '', 'ff02::fb', '5353']);
    expect(mdnsRows[2]![6]).toBe('wlan0 (mDNS, Bonjour browser)');
    // The checksums Gapscope rebuilt verify.
    expect(execFileSync('tshark', ['-r', file, '-o', 'udp.check_checksum:TRUE', '-Y', 'udp.checksum.status == "Bad"'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()).toBe('');

    const comments = tshark(file, 'frame.comment', ['frame.comment', 'frame.interface_name']);
    expect(comments).toEqual([
      ['Gapscope timeline (info): [bonjour service-added] "Lab Web ☕" (_http._tcp) appeared on vins', 'Gapscope timeline'],
      ['Gapscope timeline (warning): [network interface-down] vins went down', 'Gapscope timeline'],
    ]);
    const lines = tshark(file, 'syslog', ['syslog.level', 'syslog.msg']);
    expect(lines).toEqual([
      ['6', 'gapscope bonjour service-added: "Lab Web ☕" (_http._tcp) appeared on vins {"name":"Lab Web ☕"}'],
      ['4', 'gapscope network interface-down: vins went down'],
    ]);
    // Nothing Wireshark finds malformed, and capinfos reads it all.
    expect(tshark(file, '_ws.malformed || _ws.expert.severity == "error"', ['frame.number'])).toEqual([]);
    expect(execFileSync('capinfos', ['-c', file], { encoding: 'utf8' })).toMatch(/Number of packets:\s+5\b/);
    expect(scanCapture(file, false)).toMatchObject({ damage: null, interfaces: 4, packetsByInterface: [0, 2, 2, 1] });
  });

  it('writes the DNS probes\' datagrams on their own interface: Wireshark pairs each reply with its query', async () => {
    const file = join(dir, 'dns.pcapng');
    writeFileSync(file, Buffer.concat([sectionHeaderBlock({ userAppl: 'Gapscope test' }), interfaceDescriptionBlock({ name: 'gapscope stream s1', tsresol: 6 }), ...SessionExtras.headerBlocks({ dnsDatagrams: () => () => undefined })]));
    let hook: ((d: DnsDatagramRecord) => void) | null = null;
    const extras = new SessionExtras(file, 1, new TimelineLog(), { dnsDatagrams: (l) => ((hook = l), () => (hook = null)) }, () => undefined);
    const query = dnsPacket.encode({ type: 'query', id: 4242, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name: 'gdl90.lab.test', class: 'IN' }] });
    const reply = dnsPacket.encode({ type: 'response', id: 4242, flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE, questions: [{ type: 'A', name: 'gdl90.lab.test', class: 'IN' }], answers: [{ type: 'A', name: 'gdl90.lab.test', ttl: 0, data: '10.98.50.1' }] });
    const ends = { local: { address: '10.98.50.2', port: 40001 }, server: { address: '10.98.50.1', port: 53 } };
    hook!({ at: 1_795_000_000_000, direction: 'sent', ...ends, data: query });
    hook!({ at: 1_795_000_000_000.4, direction: 'received', ...ends, data: reply });
    hook!({ at: 1_795_000_000_001, direction: 'sent', local: { address: 'fd00:98:50::2', port: 40002 }, server: { address: 'fd00:98:50::1', port: 53 }, data: query });
    await extras.close();
    expect(extras.info).toMatchObject({ dnsInterfaceId: 2, dnsPackets: 3, notRecorded: 0 });
    const rows = tshark(file, 'dns', ['frame.interface_name', 'ip.src', 'ipv6.src', 'udp.srcport', 'udp.dstport', 'dns.flags.response', 'dns.qry.name', 'dns.a', 'dns.response_to']);
    expect(rows).toEqual([
      ['DNS probes', '10.98.50.2', '', '40001', '53', '0', 'gdl90.lab.test', '', ''],
      ['DNS probes', '10.98.50.1', '', '53', '40001', '1', 'gdl90.lab.test', '10.98.50.1', '1'],
      ['DNS probes', '', 'fd00:98:50::2', '40002', '53', '0', 'gdl90.lab.test', '', ''],
    ]);
  });

  it('bounds what waits for the disk: past the limit datagrams are counted as not recorded, and the file holds exactly what it says', async () => {
    const file = newCapture('flood.pcapng');
    const mdns = source();
    const extras = new SessionExtras(file, 1, new TimelineLog(), { mdnsPackets: mdns.subscribe }, () => undefined);
    const big = announcement('Flood', 255);
    const padded = Buffer.concat([big, Buffer.alloc(8000 - big.length)]);
    // One synchronous burst: the disk cannot take any of it before the burst ends.
    const count = Math.ceil((2 * MAX_PENDING_BYTES) / padded.length);
    for (let i = 0; i < count; i++) mdns.hook!({ at: 1_795_000_000_000 + i, iface: 'vins', source: '10.98.50.1', port: 5353, data: padded });
    await extras.close();
    expect(extras.info.notRecorded).toBeGreaterThan(0);
    expect(extras.info.mdnsPackets + extras.info.notRecorded).toBe(count);
    // At most one write in flight (started at WRITE_AT_BYTES) and MAX_PENDING_BYTES waiting behind it.
    expect(extras.info.mdnsPackets * padded.length).toBeLessThan(MAX_PENDING_BYTES + WRITE_AT_BYTES + 2 * padded.length);
    expect(scanCapture(file, false).packets).toBe(extras.info.mdnsPackets);
  });

  it('stops on a full disk with a sentence a person understands', async () => {
    const failures: ErrorInfo[] = [];
    const timeline = new TimelineLog();
    const extras = new SessionExtras('/dev/full', 1, timeline, {}, (e) => failures.push(e));
    timeline.post({ source: 'dns', kind: 'resolver-down', severity: 'warning', summary: '10.98.50.1 stopped answering' });
    await extras.close();
    expect(failures).toEqual([{ code: 'disk-full', message: 'Recording stopped: the disk holding /dev/full is full. What was recorded so far is kept.' }]);
    expect(extras.info.events).toBe(0);
  });
});
