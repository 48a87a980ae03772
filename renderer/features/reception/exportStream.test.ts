import { describe, expect, it } from 'vitest';
import type { StreamInfo } from '../../../shared/contract';
import { ThroughputHistory } from '../../../shared/reception/throughputHistory';
import { emptyReception } from './streamState';
import { buildExport, exportInput, exportName, exportStream, streamReport, type ExportStage } from './exportStream';

const info: StreamInfo = {
  id: 's1',
  config: { port: 4000, binMs: 100, recvBufferBytes: 8 << 20, decode: 'auto', label: 'GDL90 / SkyEcho' },
  kind: 'unicast',
  family: 'ipv4',
  status: 'stopped',
  error: null,
  warning: null,
  startedAt: Date.UTC(2026, 10, 24, 12, 0, 0),
  bound: '0.0.0.0:4000',
  recvBufferRequested: 8 << 20,
  recvBufferGranted: 16 << 20,
};

function state() {
  const r = emptyReception(100, false);
  return {
    ...r,
    nowMs: 3000,
    totals: { ...r.totals, packets: 20, bytes: 2000, durationMs: 3000, firstPacketMs: 0, lastPacketMs: 2900, gapCount: 1, gapMs: 1000 },
    bins: ThroughputHistory.fromSnapshot({ binMs: 100, firstIndex: 0, packets: new Array<number>(30).fill(1), bytes: new Array<number>(30).fill(100), lost: new Array<number>(30).fill(0) }, 3000),
    gaps: [{ startMs: 1000, endMs: 2000, durationMs: 1000, packetsBefore: 10, bytesBefore: 1000, cause: 'unexplained' as const, lostPackets: null }],
    gapThresholdMs: 300,
  };
}

const nope = { version: '0.1.0', platform: 'linux-x64', mode: 'web' as const };

describe('exportStream', () => {
  it('makes the same report as listen --json from the UI state', () => {
    const rep = streamReport(info, state());
    expect(rep).toMatchObject({ packets: 20, bytes: 2000, gapCount: 1, binMs: 100, startedAt: '2026-11-24T12:00:00.000Z', stream: { port: 4000, kind: 'unicast' } });
    expect(rep.bins).toHaveLength(30);
  });

  it('names files safely', () => {
    expect(exportName(info, 'gaps', 'csv')).toBe('gapscope-GDL90_SkyEcho-2026-11-24T12-00-00-gaps.csv');
  });

  it('keeps only the events during the stream and puts them in the HTML report and the JSON', () => {
    const events = [
      { id: 1, at: info.startedAt - 5000, source: 'network' as const, kind: 'k', severity: 'info' as const, summary: 'before' },
      { id: 2, at: info.startedAt + 1500, source: 'network' as const, kind: 'k', severity: 'warning' as const, summary: 'wlan0 roamed' },
    ];
    const html = exportStream('html', info, state(), events, nope, Date.UTC(2026, 10, 24, 13));
    expect(html.mime).toBe('text/html');
    expect(html.text).toContain('wlan0 roamed');
    expect(html.text).not.toContain('>before<');
    const json = JSON.parse(exportStream('json', info, state(), events, nope, 0).text) as { events: { id: number }[] };
    expect(json.events.map((e) => e.id)).toEqual([2]);
    expect(exportStream('csv-gaps', info, state(), events, nope, 0).text.split('\r\n')[1]).toBe('1,1000,2000,1000,10,1000,,unknown,network or sender');
    expect(exportStream('png', info, state(), events, nope, 0).text).toContain('<svg');
  });

  it('carries each gap\'s location from the wire view into the gaps CSV, the JSON and the HTML report, with its numbers', () => {
    const location = { where: 'before-wire' as const, matchedBy: 'sequence' as const, missed: 7, beforeWire: 7, socketBuffer: 0, afterWire: 0 };
    const r = { ...state(), gaps: [{ ...state().gaps[0]!, lostPackets: 7, location }] };
    const csv = exportStream('csv-gaps', info, r, [], nope, 0).text.split('\r\n');
    expect(csv[0]).toBe('number,start_ms,end_ms,duration_ms,packets_before,bytes_before,lost_packets,cause,cause_text,socket_drops,where,where_text,missed,before_wire,socket_buffer,after_wire,matched_by');
    expect(csv[1]).toBe('1,1000,2000,1000,10,1000,7,packets-lost,packets lost,,before-wire,never reached this machine,7,7,0,0,sequence');
    const json = JSON.parse(exportStream('json', info, r, [], nope, 0).text) as { gaps: { location?: unknown }[] };
    expect(json.gaps[0]!.location).toEqual(location);
    expect(exportStream('html', info, r, [], nope, 0).text).toContain(
      '<span class="where" data-where="before-wire" title="The socket missed 7 datagrams since the previous gap and the wire view saw none of them: they never reached this machine (lost on the network, the Wi-Fi or in the sender).">never reached this machine</span>',
    );
    // Built in the worker from a copy of its input, the same.
    const input = structuredClone(exportInput(info, r, [], nope, 0, 'csv-gaps'));
    expect(buildExport('csv-gaps', input).text.split('\r\n')[1]).toBe(csv[1]);
    expect(exportStream('svg', info, r, [], nope, 0).text).toContain('packets lost \u00b7 never reached this machine. The socket missed 7 datagrams since the previous gap');
  });

  it('takes its input as plain data a worker can receive, and builds the same file from a copy', () => {
    const events = [{ id: 2, at: info.startedAt + 1500, source: 'network' as const, kind: 'k', severity: 'warning' as const, summary: 'wlan0 roamed' }];
    const input = exportInput(info, state(), events, nope, Date.UTC(2026, 10, 24, 13));
    const copy = structuredClone(input);
    expect(copy.bins.bytes).toBeInstanceOf(Float64Array);
    for (const kind of ['html', 'json', 'csv-bins', 'csv-gaps', 'csv-packets', 'svg'] as const) {
      expect(buildExport(kind, copy).text).toBe(exportStream(kind, info, state(), events, nope, Date.UTC(2026, 10, 24, 13)).text.replace(input.userAgent, copy.userAgent));
    }
  });

  it('hands over the report bins and the gaps as typed arrays, not the history, and none to the exports that list none', () => {
    const input = exportInput(info, state(), [], nope, 0, 'json');
    expect('bins' in input.snapshot || 'gaps' in input.snapshot).toBe(false);
    expect([input.gaps.startMs, input.gaps.endMs, input.gaps.lostPackets, input.gaps.localStall]).toEqual([Float64Array.from([1000]), Float64Array.from([2000]), Float64Array.from([Number.NaN]), Uint8Array.from([0])]);
    expect(input.bins.binMs).toBe(100);
    expect(input.bins.startMs).toEqual(Float64Array.from({ length: 30 }, (_, i) => i * 100));
    expect(input.bins.packets).toEqual(new Float64Array(30).fill(1));
    expect(input.bins.bytes).toEqual(new Float64Array(30).fill(100));
    expect(input.bins.lost).toEqual(new Float64Array(30));
    for (const kind of ['csv-gaps', 'csv-packets'] as const) {
      const none = exportInput(info, state(), [], nope, 0, kind);
      expect([none.bins.binMs, none.bins.startMs.length, none.bins.packets.length, none.bins.bytes.length, none.bins.lost.length]).toEqual([100, 0, 0, 0, 0]);
    }
    expect(exportInput(info, state(), [], nope, 0, 'csv-gaps').gaps.startMs).toEqual(Float64Array.from([1000]));
    expect(exportInput(info, state(), [], nope, 0, 'csv-packets').gaps.startMs).toEqual(new Float64Array(0));
    expect(exportInput(info, state(), [], nope, 0, 'csv-bins').gaps.startMs).toEqual(new Float64Array(0));
    expect(exportStream('csv-bins', info, state(), [], nope, 0).text.split('\r\n').slice(0, 3)).toEqual(['start_ms,packets,bytes,bytes_per_sec,lost_packets', '0,1,100,1000,0', '100,1,100,1000,0']);
  });

  it('says which step it is at', () => {
    const input = exportInput(info, state(), [], nope, 0);
    const stages = (kind: Parameters<typeof buildExport>[0]) => {
      const seen: ExportStage[] = [];
      buildExport(kind, input, (s) => seen.push(s));
      return seen;
    };
    expect(stages('html')).toEqual(['report', 'document']);
    expect(stages('png')).toEqual(['report', 'chart']);
    expect(stages('csv-packets')).toEqual([]);
  });
});
