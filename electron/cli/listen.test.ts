import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { gapCause } from '../../shared/reception/gapCause';
import { threeCauseCapture } from '../../shared/export/testing/threeCauses';
import { main } from './index';
import { humanReport, liveLine } from './listen';

describe('gapscope listen prints', () => {
  it("every gap with gapCause's words, as the exports do", () => {
    const { monitor, report } = threeCauseCapture();
    const gapLines = humanReport(report).filter((l) => l.startsWith('  gap at'));
    expect(gapLines).toEqual([
      '  gap at   0:00.999  lasting     401 ms  after 1000 pkts / 15.6 KiB  0 lost in it  cause: sender paused',
      '  gap at   0:02.399  lasting     301 ms  after 1000 pkts / 15.6 KiB  300 lost in it  cause: packets lost',
      '  gap at   0:03.699  lasting     401 ms  after 1000 pkts / 15.6 KiB  0 lost in it  cause: Gapscope stalled',
    ]);
    expect(gapLines.map((l) => l.split('cause: ')[1])).toEqual(monitor.snapshot(5000).gaps.map((g) => gapCause(g).text));
  });

  it("the Wi-Fi's verdict after the periodicity, when the stream had a Wi-Fi link", () => {
    const { report } = threeCauseCapture();
    const verdict = { kind: 'unknown' as const, summary: 'Wi-Fi en0: macOS does not show it.' };
    const lines = humanReport({ ...report, wifi: { iface: 'en0', source: 'system_profiler', beaconIntervalTu: null, dtimPeriod: null, powerSave: null, note: 'macOS does not show it.', verdict } });
    expect(lines[lines.indexOf(report.periodicity.summary) + 1]).toBe('Wi-Fi en0: macOS does not show it.');
    expect(humanReport(report)).not.toContain('Wi-Fi en0: macOS does not show it.');
  });

  it('a live line with the shared formats', () => {
    const totals = { packets: 123_456, bytes: 63_209_472, durationMs: 125_400, firstPacketMs: 0, lastPacketMs: 125_000, dutyCycle: 0.55, gapCount: 42, gapMs: 1000, expected: null };
    expect(liveLine(125_400, totals, { packets: 1000, bytes: 512_000 }, 850)).toBe('   2:05    1,000 pkt/s     500 KiB/s  total 123,456 pkts 60.3 MiB  gaps 42  duty 55%  (no data for 850 ms)');
  });
});

describe('gapscope listen checks', () => {
  /** Runs the whole CLI; returns what it wrote on stderr and its exit code. */
  async function cli(...args: string[]): Promise<{ err: string; exitCode: number | undefined }> {
    const dataDir = mkdtempSync(join(tmpdir(), 'gs-listen-'));
    let err = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      err += String(chunk);
      return true;
    });
    process.exitCode = undefined;
    try {
      await main(['node', 'gapscope', '--data-dir', dataDir, 'listen', ...args]);
    } finally {
      spy.mockRestore();
      rmSync(dataDir, { recursive: true, force: true });
    }
    const exitCode = process.exitCode as number | undefined;
    process.exitCode = undefined;
    return { err, exitCode };
  }

  it("refuses a bad value with the contract's sentence, naming the flag, before any socket (exit 2)", async () => {
    expect(await cli('--port', '70000')).toEqual({ err: 'gapscope: --port: Port must be 1–65535.\n', exitCode: 2 });
    expect(await cli('--port', '5000', '--bin', '5')).toEqual({ err: 'gapscope: --bin: Bins are 10 ms to 10 s.\n', exitCode: 2 });
    expect(await cli('--port', '5000', '--fail-on', 'loss>1')).toEqual({ err: 'gapscope: --fail-on: "loss>1": loss is a percentage; write it with %, e.g. loss>1%.\n', exitCode: 2 });
    expect(await cli('--port', '5000', '--fail-on', 'gap>1s', '--fail-on', 'jitter>5ms')).toEqual({ err: 'gapscope: --fail-on: "jitter>5ms": jitter is not a condition Gapscope knows; listen and analyze take gap, gaps, loss, packets, duty, rate and no-data (e.g. gap>500ms, loss>1%, packets<1000).\n', exitCode: 2 });
    expect(await cli('--port', '5000', '--json', '--json-stream')).toEqual({ err: 'gapscope: Give either --json (one report at the end) or --json-stream (a line as it runs, the report last), not both.\n', exitCode: 2 });
    const decode = await cli('--port', '5000', '--decode', 'klingon');
    expect(decode.exitCode).toBe(2);
    expect(decode.err).toMatch(/^gapscope: --decode: The payload format /);
  });
});
