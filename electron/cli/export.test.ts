// gapscope export on real captures made with tshark in the lab (electron/capture/fixtures) and on saved reports.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { GapscopeError } from '../../shared/errors';
import { registerExportCommands } from './export';

const fixture = join(__dirname, '..', 'capture', 'fixtures', 'eth.pcapng');

async function run(args: string[]): Promise<string> {
  let text = '';
  const program = new Command('gapscope').exitOverride();
  registerExportCommands(program, (t) => (text += t));
  await program.parseAsync(['node', 'gapscope', 'export', ...args]);
  return text;
}

describe('gapscope export', () => {
  it('analyzes a capture and writes its gaps as CSV and its report as HTML', async () => {
    const csv = await run([fixture, '--port', '5000', '--format', 'csv-bins']);
    const rows = csv.trim().split('\r\n');
    expect(rows[0]).toBe('start_ms,packets,bytes,bytes_per_sec,lost_packets');
    const packets = rows.slice(1).reduce((n, r) => n + Number(r.split(',')[1]), 0);
    const json = JSON.parse(await run([fixture, '--port', '5000', '--format', 'json'])) as { packets: number; gapCount: number };
    expect(packets).toBe(json.packets);
    expect(json.packets).toBeGreaterThan(0);
    // The fixture's 300 ms nftables drop is a gap, and it is in the gaps CSV.
    expect(json.gapCount).toBeGreaterThanOrEqual(1);
    const gaps = (await run([fixture, '--port', '5000', '--format', 'csv-gaps'])).trim().split('\r\n');
    expect(gaps).toHaveLength(json.gapCount + 1);
    const html = await run([fixture, '--port', '5000', '--format', 'html']);
    expect(html).toContain('<title>Gapscope: eth.pcapng</title>');
  });

  it('re-exports a saved JSON report to a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gs-export-'));
    const saved = join(dir, 'report.json');
    writeFileSync(saved, await run([fixture, '--port', '5000', '--format', 'json']));
    const out = join(dir, 'chart.svg');
    await run([saved, '--format', 'svg', '-o', out]);
    expect(readFileSync(out, 'utf8')).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });

  it('refuses what it cannot read with one clear sentence', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gs-export-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"startedAt": 3}');
    await expect(run([bad])).rejects.toThrow(GapscopeError);
    await expect(run([bad])).rejects.toThrow(/bad.json is not a Gapscope report: /);
    await expect(run([join(dir, 'missing.pcap')])).rejects.toThrow(/No such file/);
    const garbage = join(dir, 'garbage.pcap');
    writeFileSync(garbage, Buffer.from('this is not a capture file at all, just text'));
    await expect(run([garbage])).rejects.toThrow(/capture|pcap|format/i);
  });
});
