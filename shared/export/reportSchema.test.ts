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

  it('says what is wrong with anything else', () => {
    expect(parseReportFile('{nope')).toMatchObject({ ok: false, message: expect.stringMatching(/^is not JSON/) });
    expect(parseReportFile('[]')).toMatchObject({ ok: false, message: expect.stringMatching(/^is not a Gapscope report/) });
    expect(parseReportFile(JSON.stringify({ startedAt: 'x', packets: 1 }))).toMatchObject({ ok: false, message: expect.stringMatching(/bytes/) });
  });
});
