import { describe, expect, it } from 'vitest';
import { ReceptionMonitor } from '../reception/receptionMonitor';
import { buildReport } from '../reception/report';
import { parseReportFile } from './reportSchema';

describe('parseReportFile', () => {
  it('takes back a report as listen --json writes it', () => {
    const m = new ReceptionMonitor({ binMs: 100, gapMs: 50, decode: 'seq' });
    m.onPacket(0, new Uint8Array(16), 'a');
    m.onPacket(500, new Uint8Array(16), 'a');
    const text = JSON.stringify(buildReport(m.snapshot(600), { port: 1 }, 0));
    const r = parseReportFile(text);
    expect(r.ok && r.report.gaps).toHaveLength(1);
    expect(r.ok && r.report.bins).toHaveLength(7);
  });

  it('keeps where each gap\'s misses were lost and the kernel\'s drops, and refuses a location that is not one', () => {
    const m = new ReceptionMonitor({ binMs: 100, gapMs: 50, decode: 'seq' });
    m.onPacket(0, new Uint8Array(16), 'a');
    m.onPacket(500, new Uint8Array(16), 'a');
    const report = buildReport(m.snapshot(600), { port: 1 }, 0);
    const location = { where: 'after-wire', matchedBy: 'sequence', missed: 9, beforeWire: 0, socketBuffer: 0, afterWire: 9 } as const;
    report.gaps[0] = { ...report.gaps[0]!, socketDrops: 0, socketDropsScope: 'socket', suggestedRecvBufferBytes: null, location };
    const r = parseReportFile(JSON.stringify(report));
    expect(r.ok && r.report.gaps[0]).toMatchObject({ socketDrops: 0, socketDropsScope: 'socket', location });
    report.gaps[0] = { ...report.gaps[0]!, location: { ...location, where: 'elsewhere' as 'none' } };
    expect(parseReportFile(JSON.stringify(report)).ok).toBe(false);
  });

  it('reads a version 1 report (the raw stall flag as cause) with the one decided cause', () => {
    const m = new ReceptionMonitor({ binMs: 100, gapMs: 50 });
    m.onPacket(0, new Uint8Array(16), 'a');
    m.onPacket(500, new Uint8Array(16), 'a');
    const v2 = buildReport(m.snapshot(600), { port: 1 }, 0);
    expect(v2.reportVersion).toBe(2);
    expect(v2.gaps[0]).toMatchObject({ cause: 'unknown', causeText: 'network or sender' });
    const { reportVersion: _, ...rest } = v2;
    const g = { startMs: 0, endMs: 500, durationMs: 500, packetsBefore: 1, bytesBefore: 16 };
    const v1 = { ...rest, gaps: [{ ...g, cause: 'unexplained', lostPackets: 0 }, { ...g, cause: 'unexplained', lostPackets: 9 }, { ...g, cause: 'local-stall', lostPackets: 0 }, { ...g, cause: 'unexplained', lostPackets: null }] };
    const r = parseReportFile(JSON.stringify(v1));
    expect(r.ok && r.report.reportVersion).toBe(2);
    expect(r.ok && r.report.gaps.map((x) => [x.cause, x.causeText])).toEqual([
      ['sender-paused', 'sender paused'],
      ['packets-lost', 'packets lost'],
      ['local-stall', 'Gapscope stalled'],
      ['unknown', 'network or sender'],
    ]);
    // A version 2 file reads back as written.
    const again = parseReportFile(JSON.stringify(v2));
    expect(again.ok && again.report.gaps).toEqual(v2.gaps);
  });

  it('refuses a report from a newer Gapscope instead of misreading it', () => {
    const m = new ReceptionMonitor({ binMs: 100 });
    const text = JSON.stringify({ ...buildReport(m.snapshot(100), {}, 0), reportVersion: 3 });
    expect(parseReportFile(text)).toMatchObject({ ok: false, message: expect.stringMatching(/^is not a Gapscope report: reportVersion: this report was made by a newer Gapscope/) });
  });

  it('says what is wrong with anything else', () => {
    expect(parseReportFile('{nope')).toMatchObject({ ok: false, message: expect.stringMatching(/^is not JSON/) });
    expect(parseReportFile('[]')).toMatchObject({ ok: false, message: expect.stringMatching(/^is not a Gapscope report/) });
    expect(parseReportFile(JSON.stringify({ startedAt: 'x', packets: 1 }))).toMatchObject({ ok: false, message: expect.stringMatching(/bytes/) });
  });
});
