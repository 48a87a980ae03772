/**
 * Files written by shared/pcapng, read by the real tshark and capinfos (Wireshark 4.0 here): every
 * packet is counted and dissected as UDP with the ports, addresses, lengths and payload written,
 * checksums verify, gap comments and the session summary are where tshark shows them. No network.
 * tshark missing is a failure, not a skip: this is the acceptance check for every file Gapscope writes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addressBytes, concatBytes, interfaceDescriptionBlock, sectionHeaderBlock } from '../../shared/pcapng/write';
import { PacketRecorder } from '../../shared/pcapng/writeStream';
import { sessionSummaryBlock } from '../../shared/pcapng/writeSummary';

const dir = mkdtempSync(join(tmpdir(), 'gs-pcapng-'));
if (process.env.GS_KEEP) console.log(dir);
afterAll(() => { if (!process.env.GS_KEEP) rmSync(dir, { recursive: true, force: true }); });

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}


function payload(i: number, size: number): Uint8Array {
  const p = new Uint8Array(size);
  for (let k = 0; k < size; k++) p[k] = (i * 7 + k) & 0xff;
  new DataView(p.buffer).setUint32(0, i, false);
  return p;
}

/** Writes a two-stream file: IPv4 unicast at 6 (µs) and IPv6 multicast at 9 (ns), with a 300 ms gap in the first. */
function writeSample(file: string, withSummary: boolean): { v4: number; v6: number } {
  const parts: Uint8Array[] = [
    sectionHeaderBlock({ hardware: 'x86_64', os: 'Linux test', userAppl: 'Gapscope 0.1.0' }),
    interfaceDescriptionBlock({ name: 'stream a1b2c3d4', description: 'UDP 10.71.0.2:5000 (unicast)', tsresol: 6 }),
    interfaceDescriptionBlock({ name: 'stream e5f6a7b8', description: 'UDP [ff15::71]:5001 (multicast)', tsresol: 9 }),
  ];
  const a = new PacketRecorder({ interfaceId: 0, tsresol: 6, destination: { address: addressBytes('10.71.0.2')!, port: 5000 }, gapMs: 100, chunkBytes: 4096 });
  const b = new PacketRecorder({ interfaceId: 1, tsresol: 9, destination: { address: addressBytes('ff15::71')!, port: 5001 }, gapMs: 100 });
  // Binary fractions of a ms, so the expected digits are exact: 0.125 ms, and 0.125 + 2^-10 ms at ns.
  const t0 = Date.UTC(2026, 10, 24, 12, 0, 0) + 0.125;
  let v4 = 0;
  let v6 = 0;
  for (let i = 0; i < 200; i++) {
    const at = i * 10 + (i >= 100 ? 300 : 0);
    a.onPacket(t0 + at, at, payload(i, 100 + (i % 50)), '10.71.0.1', 40000);
    v4++;
    if (i % 2 === 0) {
      b.onPacket(t0 + at + 2 ** -10, at, payload(i, 1200), 'fe80::1%vins', 40001);
      v6++;
    }
  }
  a.flush(2400, true);
  b.flush(2400, true);
  for (const r of [a, b]) parts.push(...r.takeReady());
  if (withSummary) parts.push(sessionSummaryBlock({ userAppl: 'Gapscope 0.1.0' }, { name: 'sample', gaps: [{ startMs: 990, endMs: 1300 }] }));
  writeFileSync(file, concatBytes(parts));
  return { v4, v6 };
}

describe('pcapng files as tshark and capinfos read them', () => {
  const file = join(dir, 'sample.pcapng');
  const written = writeSample(file, true);

  it('capinfos reads the file without error and counts every packet', () => {
    const out = run('capinfos', [file]);
    expect(out).toMatch(/File type:\s+Wireshark\/\.\.\. - pcapng/);
    expect(out).toMatch(new RegExp(`Number of packets:\\s+${written.v4 + written.v6}\\b`));
    expect(out).toMatch(/File encapsulation:\s+Raw IP/);
  });

  it('tshark dissects every packet as UDP with the addresses, ports, lengths and payload written', () => {
    const rows = run('tshark', ['-r', file, '-T', 'fields', '-E', 'separator=|', '-e', 'frame.interface_id', '-e', 'ip.src', '-e', 'ipv6.src', '-e', 'ipv6.dst', '-e', 'ip.dst', '-e', 'udp.srcport', '-e', 'udp.dstport', '-e', 'udp.length', '-e', 'udp.payload', '-e', 'ip.checksum.status', '-e', 'udp.checksum.status', '-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE'])
      .trim()
      .split('\n')
      .map((l) => l.split('|'));
    expect(rows).toHaveLength(written.v4 + written.v6);
    const v4 = rows.filter((r) => r[0] === '0');
    const v6 = rows.filter((r) => r[0] === '1');
    expect(v4).toHaveLength(written.v4);
    expect(v6).toHaveLength(written.v6);
    v4.forEach((r, i) => {
      expect(r.slice(1, 8)).toEqual(['10.71.0.1', '', '', '10.71.0.2', '40000', '5000', String(8 + 100 + (i % 50))]);
      expect(r[8]).toBe(Buffer.from(payload(i, 100 + (i % 50))).toString('hex'));
      expect(r[9]).toBe('1'); // 1 = good (0 bad, 2 unverified)
    });
    v6.forEach((r, k) => {
      expect(r.slice(1, 8)).toEqual(['', 'fe80::1', 'ff15::71', '', '40001', '5001', String(8 + 1200)]);
      expect(r[8]).toBe(Buffer.from(payload(k * 2, 1200)).toString('hex'));
      expect(r[10]).toBe('1');
    });
  });

  it('keeps microsecond and nanosecond timestamps', () => {
    const times = run('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.interface_id']).trim().split('\n');
    const first = times.find((l) => l.endsWith('\t0'))!.split('\t')[0];
    const firstV6 = times.find((l) => l.endsWith('\t1'))!.split('\t')[0];
    expect(first).toBe('1795521600.000125000');
    expect(firstV6).toBe('1795521600.000125977');
  });

  it('shows the gap comments on the packets where the gap starts and ends', () => {
    const c = run('tshark', ['-r', file, '-Y', 'frame.comment', '-T', 'fields', '-e', 'frame.number', '-e', 'frame.interface_id', '-e', 'frame.comment']).trim().split('\n');
    const onA = c.filter((l) => l.split('\t')[1] === '0');
    expect(onA).toHaveLength(3);
    expect(onA[0]).toMatch(/gap starts after this packet \(silence of 310\.0 ms/);
    expect(onA[1]).toMatch(/gap ends with this packet \(silence of 310\.0 ms/);
    expect(onA[2]).toMatch(/gap starts after this packet \(no data for .* when the recording stopped/);
  });

  it('shows the session summary as the comment of a trailing section that capinfos prints', () => {
    const out = run('capinfos', [file]);
    expect(out).toMatch(/Section 1:[\s\S]*Capture comment:\s+Gapscope session summary/);
    expect(out).toContain('"name":"sample"');
  });

  it('reads a file without the summary (cut short before the stop) just as well', () => {
    const cut = join(dir, 'cut.pcapng');
    const w = writeSample(cut, false);
    expect(run('capinfos', ['-M', '-c', cut])).toMatch(new RegExp(`Number of packets:\\s+${w.v4 + w.v6}\\b`));
    expect(run('tshark', ['-r', cut, '-T', 'fields', '-e', 'udp.srcport']).trim().split('\n')).toHaveLength(w.v4 + w.v6);
  });
});
