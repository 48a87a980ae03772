import { describe, expect, it } from 'vitest';
import { ReceptionMonitor } from '../reception/receptionMonitor';
import { buildReport } from '../reception/report';
import { encodeSeq } from '../decoders/sequenceField';
import { writeAccount } from '../generator/pairing';
import { htmlReport } from './htmlReport';

function report() {
  const m = new ReceptionMonitor({ binMs: 100, gapMs: 50 });
  for (let t = 0; t < 1000; t += 10) m.onPacket(t, new Uint8Array(100), '10.0.0.1:9');
  for (let t = 2000; t < 3000; t += 10) m.onPacket(t, new Uint8Array(100), '10.0.0.1:9');
  return buildReport(m.snapshot(3000), { port: 4000, label: '<img src=x onerror=alert(1)>', iface: undefined, source: null }, Date.UTC(2026, 10, 24, 12));
}

/** 21 minutes with 1,300 gaps, every 20th one longer: the session that made a 40,000 px report. */
function longReport() {
  const m = new ReceptionMonitor({ binMs: 100, gapMs: 200 });
  let t = 0;
  for (let g = 0; g < 1300; g++) {
    for (let k = 0; k < 50; k++, t += 10) m.onPacket(t, new Uint8Array(512), '10.0.0.1:9');
    t += g % 20 === 0 ? 1500 + g : 480;
  }
  m.onPacket(t, new Uint8Array(512), '10.0.0.1:9');
  return buildReport(m.snapshot(t + 1), { port: 4000 }, Date.UTC(2026, 10, 24, 12));
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

  it('holds the verdict, the chart, the statistics and the gap with the event that coincides with it', () => {
    expect(html).toContain('<p class="verdict">1 gap, 1.01 s without data (34% of 3.00 s); by cause: network or sender 1. Too few gaps to tell whether they recur (1).</p>');
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(html).toContain('<th>Packets</th><td>200</td>');
    const gapRow = /<tbody><tr class="" data-cause="unknown" data-start-ms="990"><td>1<\/td>.*?<\/tr>/.exec(html)?.[0] ?? '';
    expect(gapRow).toContain('<td>0:00.990</td><td>0:02.000</td><td><b>1.01 s</b></td>');
    expect(gapRow).toContain('<td title="Gapscope was running: the data did not arrive. Decode sequence numbers to tell a sender pause from loss.">network or sender</td>');
    expect(gapRow).toContain('eth0 went down');
    expect(gapRow).not.toContain('resolver answers again');
    expect(html).toContain('<th>Gapscope</th><td>0.1.0</td>');
  });

  it('says where a gap\'s misses were lost when the wire view ran beside the socket', () => {
    const r = report();
    r.gaps[0] = { ...r.gaps[0]!, location: { where: 'before-wire', matchedBy: 'sequence', missed: 7, beforeWire: 7, socketBuffer: 0, afterWire: 0 } };
    const page = htmlReport({ title: 't', report: r, environment: {}, events: [], generatedAt: start });
    expect(page).toContain('network or sender · <span class="where" data-where="before-wire" title="The socket missed 7 datagrams since the previous gap and the wire view saw none of them: they never reached this machine (lost on the network, the Wi-Fi or in the sender).">never reached this machine</span></td>');
  });

  it('gives a paired stream its sender’s count, and its gaps the paired words', () => {
    const m = new ReceptionMonitor({ binMs: 100, gapMs: 50, decode: 'seq' });
    for (let q = 0; q < 200; q++) {
      const d = encodeSeq(q, 1e15 + q * 10_000, 64)!;
      writeAccount(d, { run: 0x42, refused: 0, step: 0, stepFirstSequence: 0, sweep: 'none', stepValue: 0, end: q === 199 });
      if (q < 90 || q >= 110) m.onPacket(q * 10, d, '10.0.0.1:9');
    }
    const page = htmlReport({ title: 't', report: buildReport(m.snapshot(2000), { port: 4000 }, start), environment: {}, events: [], generatedAt: start });
    expect(page).toContain('<tr><th>Paired sender</th><td>Paired with the sender (run 00000042): it sent 200, 180 arrived; sent and lost on the path: 20.');
    expect(page).toMatch(/<td title="[^"]*">sent and lost on the path: 20<\/td>/);
  });

  it('stays a page long over 1,300 gaps: verdict, histogram, causes, first and last, the 50 longest, and where the rest are', () => {
    const r = longReport();
    expect(r.gapCount).toBe(1300);
    const long = htmlReport({ title: 'Long', report: r, environment: {}, generatedAt: start });
    expect(long).toContain('<p class="verdict">1,300 gaps, ');
    expect(long).toContain('by cause: network or sender 1,300.');
    // One row per listed gap: the first and the last, then the 50 longest.
    const ends = /<table class="gaps ends">.*?<\/table>/s.exec(long)?.[0] ?? '';
    expect(ends.match(/<tr class/g)).toHaveLength(2);
    expect(ends).toMatch(/<td>1<\/td>/);
    expect(ends).toMatch(/<td>1300<\/td>/);
    const longest = /<table class="gaps longest">.*?<\/table>/s.exec(long)?.[0] ?? '';
    const numbers = [...longest.matchAll(/<tr class="[^"]*" data-cause="[^"]*" data-start-ms="[^"]*"><td>(\d+)<\/td>/g)].map((m) => Number(m[1]));
    expect(numbers).toHaveLength(50);
    // Every 20th gap lasts 1.5 s plus its number in ms: the longest is number 1281, then 1261, ...
    expect(numbers.slice(0, 3)).toEqual([1281, 1261, 1241]);
    expect(long).toContain('The full list of 1,300 gaps, with their causes, is in the gaps CSV');
    const histogram = /<table class="histogram">.*?<\/table>/s.exec(long)?.[0] ?? '';
    expect([...histogram.matchAll(/<tr><td>([^<]+)<\/td><td class="n">([\d,]+)<\/td>/g)].map((m) => [m[1], m[2]])).toEqual([
      ['200 ms to 500 ms', '1,235'],
      ['500 ms to 1.00 s', '0'],
      ['1.00 s to 2.00 s', '25'],
      ['2.00 s to 5.00 s', '40'],
    ]);
    expect(long.match(/<tr /g)?.length ?? 0).toBeLessThan(70);
    expect(long.length).toBeLessThan(150_000);
    // The chart draws the 1,300 gaps as a density band, with its legend.
    expect(long).toContain('class="gap-density"');
    expect(long).not.toContain('class="gap"');
  });
});
