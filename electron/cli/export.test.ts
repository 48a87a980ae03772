// gapscope export on real captures made with tshark in the lab (electron/capture/fixtures) and on saved reports.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { GapscopeError } from '../../shared/errors';
import { CaptureReader } from '../../shared/pcapng/read';
import { backendApi } from './backendApi';
import { registerExportCommands } from './export';

const fixture = join(__dirname, '..', 'capture', 'fixtures', 'eth.pcapng');

const dataDir = mkdtempSync(join(tmpdir(), 'gs-export-data-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Runs `gapscope export ARGS` as the CLI does: its own back end, reached through the contract. */
async function run(args: string[]): Promise<string> {
  let text = '';
  const program = new Command('gapscope').option('--data-dir <dir>').exitOverride();
  registerExportCommands(program, backendApi(program), (t) => (text += t));
  await program.parseAsync(['node', 'gapscope', '--data-dir', dataDir, 'export', ...args]);
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

describe('gapscope export --format pcapng', () => {
  it('copies a time range of a capture; tshark-made input, our pcapng output read back by our reader', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gs-export-'));
    const whole = JSON.parse(await run([fixture, '--port', '5000', '--format', 'json'])) as { packets: number; durationMs: number };
    const all = join(dir, 'all.pcapng');
    expect(await run([fixture, '--format', 'pcapng', '-o', all])).toMatch(/^Wrote \d+ of \d+ packets/);
    // The whole file again: the same stream analyzes to the same packets.
    const again = JSON.parse(await run([all, '--port', '5000', '--format', 'json'])) as { packets: number };
    expect(again.packets).toBe(whole.packets);
    // Times count from the file's first frame, as Wireshark's frame.time_relative does; the stream
    // runs from 8.97 s to 10.96 s in this fixture. One second of it: fewer packets, spanning <= 1 s.
    const part = join(dir, 'one-second.pcapng');
    await run([fixture, '--format', 'pcapng', '--from', '9.5', '--to', '10.5', '-o', part]);
    const records: number[] = [];
    const reader = new CaptureReader((r) => records.push(r.timeMs));
    reader.push(readFileSync(part));
    reader.end();
    expect(reader.format).toBe('pcapng');
    expect(records.length).toBeGreaterThan(0);
    expect(records[records.length - 1]! - records[0]!).toBeLessThanOrEqual(1000);
    // tshark reads what we wrote without error and counts the same frames (tshark missing is a failure).
    const tshark = execFileSync('tshark', ['-r', part, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(tshark.trim().split('\n')).toHaveLength(records.length);
    const partReport = JSON.parse(await run([part, '--port', '5000', '--format', 'json'])) as { packets: number };
    expect(partReport.packets).toBeGreaterThan(0);
    expect(partReport.packets).toBeLessThan(whole.packets);
  });

  it('reads a gzip-compressed capture and writes plain pcapng', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gs-export-'));
    const out = join(dir, 'from-gz.pcapng');
    await run([`${fixture}.gz`, '--format', 'pcapng', '-o', out]);
    const plain = join(dir, 'from-plain.pcapng');
    await run([fixture, '--format', 'pcapng', '-o', plain]);
    // The same packets whether the input was compressed or not (only the header comment differs).
    const a = JSON.parse(await run([out, '--port', '5000', '--format', 'json'])) as { packets: number; gaps: unknown[] };
    const b = JSON.parse(await run([plain, '--port', '5000', '--format', 'json'])) as { packets: number; gaps: unknown[] };
    expect(a.packets).toBeGreaterThan(0);
    expect([a.packets, a.gaps]).toEqual([b.packets, b.gaps]);
  });

  it('needs -o, a sensible range, and never overwrites its input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gs-export-'));
    await expect(run([fixture, '--format', 'pcapng'])).rejects.toThrow(/-o FILE/);
    await expect(run([fixture, '--format', 'pcapng', '--from', '3', '--to', '1', '-o', join(dir, 'x.pcapng')])).rejects.toMatchObject({ code: 'invalid-argument', field: 'toS', message: 'The range must end after it starts.' });
    await expect(run([fixture, '--format', 'csv-bins', '--port', '5000', '--from', '1'])).rejects.toThrow(/pcapng only/);
    const copy = join(dir, 'copy.pcapng');
    writeFileSync(copy, readFileSync(fixture));
    await expect(run([copy, '--format', 'pcapng', '-o', copy])).rejects.toThrow(/is the input file/);
    expect(readFileSync(copy).equals(readFileSync(fixture))).toBe(true);
    // An input that is not a capture leaves no half-written output behind.
    const bad = join(dir, 'bad.pcapng');
    writeFileSync(bad, Buffer.from('not a capture, just some text that is long enough to be read'));
    const out = join(dir, 'out.pcapng');
    await expect(run([bad, '--format', 'pcapng', '-o', out])).rejects.toThrow(GapscopeError);
    expect(existsSync(out)).toBe(false);
  });

  it('never replaces an existing -o file unless --overwrite, for pcapng and text alike, and leaves no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gs-export-'));
    const victim = join(dir, 'victim.pcapng');
    writeFileSync(victim, 'not made by Gapscope');
    await expect(run([fixture, '--format', 'pcapng', '-o', victim])).rejects.toMatchObject({ code: 'invalid-argument', field: 'output', message: expect.stringMatching(/already exists/) });
    expect(readFileSync(victim, 'utf8')).toBe('not made by Gapscope');
    expect(await run([fixture, '--format', 'pcapng', '-o', victim, '--overwrite'])).toMatch(/^Wrote \d+ of \d+ packets/);
    expect(readFileSync(victim).readUInt32BE(0)).toBe(0x0a0d0d0a);
    const csv = join(dir, 'gaps.csv');
    writeFileSync(csv, 'mine');
    await expect(run([fixture, '--port', '5000', '--format', 'csv-gaps', '-o', csv])).rejects.toThrow(/already exists/);
    expect(readFileSync(csv, 'utf8')).toBe('mine');
    await run([fixture, '--port', '5000', '--format', 'csv-gaps', '-o', csv, '--overwrite']);
    expect(readFileSync(csv, 'utf8')).toMatch(/^number,start_ms,/);
    expect(readdirSync(dir).sort()).toEqual(['gaps.csv', 'victim.pcapng']);
  });

  it('checks its values with the contract\'s sentences, naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gs-export-'));
    await expect(run([fixture, '--format', 'pcapng', '-o', join(dir, 'out.pcap')])).rejects.toMatchObject({ field: 'output', message: 'The output must end in .pcapng.' });
    await expect(run([fixture, '--format', 'pcapng', '--from', 'soon', '-o', join(dir, 'out.pcapng')])).rejects.toMatchObject({ field: 'fromS', message: 'The start of the range must be a number.' });
    await expect(run([fixture, '--port', '70000', '--format', 'json'])).rejects.toMatchObject({ field: 'port', message: 'Port must be 1–65535.' });
    expect(readdirSync(dir)).toEqual([]);
  });
});
