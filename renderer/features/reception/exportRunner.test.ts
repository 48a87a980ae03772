import { afterEach, describe, expect, it } from 'vitest';
import type { StreamInfo } from '../../../shared/contract';
import { ThroughputHistory } from '../../../shared/reception/throughputHistory';
import { runExport, type WorkerFactory } from './exportRunner';
import { buildExport, exportInput, type ExportInput, type ExportStage } from './exportStream';
import { emptyReception } from './streamState';

const info: StreamInfo = {
  id: 's1',
  config: { port: 4000, binMs: 100, recvBufferBytes: 8 << 20, decode: 'auto' },
  kind: 'unicast',
  family: 'ipv4',
  status: 'stopped',
  error: null,
  warning: null,
  startedAt: Date.UTC(2026, 10, 24, 12),
  bound: '0.0.0.0:4000',
  recvBufferRequested: 8 << 20,
  recvBufferGranted: 16 << 20,
};

function input(): ExportInput {
  const r = emptyReception(100, false);
  const state = {
    ...r,
    nowMs: 3000,
    totals: { ...r.totals, packets: 20, bytes: 2000, durationMs: 3000, firstPacketMs: 0, lastPacketMs: 2900, gapCount: 1, gapMs: 1000 },
    bins: ThroughputHistory.fromSnapshot({ binMs: 100, firstIndex: 0, packets: new Array<number>(30).fill(1), bytes: new Array<number>(30).fill(100), lost: new Array<number>(30).fill(0) }, 3000),
    gaps: [{ startMs: 1000, endMs: 2000, durationMs: 1000, packetsBefore: 10, bytesBefore: 1000, cause: 'unexplained' as const, lostPackets: 0 }],
  };
  return exportInput(info, state, [], null, Date.UTC(2026, 10, 24, 13));
}

type Handler = ((e: { data: unknown }) => void) | null;
const globals = globalThis as unknown as { self?: { onmessage: Handler; postMessage(m: unknown): void } };

/**
 * A stand-in for the browser's Worker around the real exportWorker.ts: messages are structured-cloned
 * and delivered on a later turn, both ways, as between a page and a worker.
 */
async function realWorkerFile(): Promise<WorkerFactory> {
  let toPage: Handler = null;
  globals.self = { onmessage: null, postMessage: (m) => setTimeout(() => toPage?.({ data: structuredClone(m) }), 0) };
  await import('./exportWorker');
  const scope = globals.self;
  return () => {
    const w = {
      onmessage: null as Handler,
      onerror: null,
      terminated: false,
      postMessage: (m: unknown) => setTimeout(() => scope.onmessage?.({ data: structuredClone(m) }), 0),
      terminate: () => void (w.terminated = true),
    };
    toPage = (e) => w.onmessage?.(e);
    return w as unknown as Worker;
  };
}

/** A worker whose script never runs: the browser fires `error` before any message. */
const refusedWorker: WorkerFactory = () => {
  const w = {
    onmessage: null,
    onerror: null as ((e: unknown) => void) | null,
    postMessage: () => setTimeout(() => w.onerror?.({ message: 'refused', preventDefault: () => {} }), 0),
    terminate: () => {},
  };
  return w as unknown as Worker;
};

afterEach(() => {
  delete globals.self;
});

describe('runExport', () => {
  it('builds the file in the worker, step by step, as the page would', async () => {
    const factory = await realWorkerFile();
    const seen: ExportStage[] = [];
    const file = await runExport('html', input(), (s) => seen.push(s), factory);
    expect(await file.blob.text()).toBe(buildExport('html', input()).text);
    expect(file.blob.type).toBe('text/html;charset=utf-8');
    expect(file.svg).toBeNull();
    const png = await runExport('png', input(), () => {}, factory);
    expect(png.svg).toBe(buildExport('png', input()).text);
    expect(file.name).toBe('gapscope-0.0.0.0_4000-2026-11-24T12-00-00-report.html');
    expect(seen).toEqual(['report', 'document']);
  });

  it('builds on the page when no worker can start', async () => {
    const seen: ExportStage[] = [];
    expect(await (await runExport('csv-gaps', input(), (s) => seen.push(s), refusedWorker)).blob.text()).toBe(buildExport('csv-gaps', input()).text);
    expect(seen).toEqual(['report', 'document']);
    const throwing: WorkerFactory = () => {
      throw new Error('SecurityError');
    };
    expect(await (await runExport('json', input(), () => {}, throwing)).blob.text()).toBe(buildExport('json', input()).text);
    expect(await (await runExport('svg', input(), () => {}, null)).blob.text()).toContain('<svg');
  });

  it('says so when the worker fails midway', async () => {
    const failing: WorkerFactory = () => {
      const w = {
        onmessage: null as Handler,
        onerror: null as ((e: unknown) => void) | null,
        postMessage: () =>
          setTimeout(() => {
            w.onmessage?.({ data: { type: 'stage', stage: 'report' } });
            w.onerror?.({ message: 'out of memory', preventDefault: () => {} });
          }, 0),
        terminate: () => {},
      };
      return w as unknown as Worker;
    };
    await expect(runExport('html', input(), () => {}, failing)).rejects.toThrow('The export failed: out of memory');
  });
});
