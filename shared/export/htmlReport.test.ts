import { describe, expect, it } from 'vitest';
import { ReceptionMonitor } from '../reception/receptionMonitor';
import { buildReport } from '../reception/report';
import { htmlReport } from './htmlReport';

function report() {
  const m = new ReceptionMonitor({ binMs: 100, gapMs: 50 });
  for (let t = 0; t < 1000; t += 10) m.onPacket(t, new Uint8Array(100), '10.0.0.1:9');
  for (let t = 2000; t < 3000; t += 10) m.onPacket(t, new Uint8Array(100), '10.0.0.1:9');
  return buildReport(m.snapshot(3000), { port: 4000, label: '<img src=x onerror=alert(1)>', iface: undefined, source: null }, Date.UTC(2026, 10, 24, 12));
}

describe('htmlReport', () => {
  const start = Date.UTC(2026, 10, 24, 12);
  const html = htmlReport({
    title: 'Reception of 10.0.0.2:4000 & friends',
    report: report(),
    environment: { Gapscope: '0.1.0', OS: 'linux-x64' },
    events: [
      { at: start + 1500, source: 'network', severity: 'warning', summary: 'eth0 went down' },
      { at: start + 9000, source: 'dns', severity: 'info', summary: 'resolver answers again' },
    ],
    generatedAt: start + 10_000,
  });

  it('is one document with no script and no external resource', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script|src=["']?http|href=["']?http/i);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('Reception of 10.0.0.2:4000 &amp; friends');
  });

  it('holds the chart, the statistics and the gap with the event that coincides with it', () => {
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(html).toContain('<th>Packets</th><td>200</td>');
    const gapRow = /<tbody><tr class="" data-cause="unknown"><td>1<\/td>.*?<\/tr>/.exec(html)?.[0] ?? '';
    expect(gapRow).toContain('<b>1.010 s</b>');
    expect(gapRow).toContain('eth0 went down');
    expect(gapRow).not.toContain('resolver answers again');
    expect(html).toContain('<th>Gapscope</th><td>0.1.0</td>');
  });
});
