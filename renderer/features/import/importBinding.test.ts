import { beforeEach, describe, expect, it } from 'vitest';
import type { GapscopeApi, StreamInfo } from '../../../shared/contract';
import type { CaptureCompare, CaptureFlowList, ImportProgress } from '../../../shared/contract/capture';
import type { UdpFlow } from '../../../shared/capture/flows';
import { GapscopeError } from '../../../shared/errors';
import { createAppStore, type AppStore } from '../../store/store';
import { bindImport } from './importBinding';

const flow = (id: string): UdpFlow => ({ id, family: 4, srcAddress: '', srcPort: 0, dstAddress: '', dstPort: 0, packets: 3, bytes: 30, firstMs: 0, lastMs: 1, reassembled: 0 });
const listOf = (...ids: string[]): CaptureFlowList => ({ flows: ids.map(flow), capture: { file: '/f' } as CaptureFlowList['capture'] });

/** A back end in memory: records the calls the store makes; events are pushed by hand. */
function fakeApi(answers: Partial<Record<'listCaptureFlows' | 'importCapture' | 'compareCaptures' | 'listSessions' | 'getSession' | 'getSessionFolder', (...args: unknown[]) => Promise<unknown>>>) {
  const calls: { method: string; args: unknown[] }[] = [];
  const listeners = new Set<(p: ImportProgress) => void>();
  const api = new Proxy({} as GapscopeApi, {
    get(_t, name: string) {
      if (name === 'on') return (_e: string, l: (p: ImportProgress) => void) => (listeners.add(l), () => listeners.delete(l));
      return (...args: unknown[]) => {
        calls.push({ method: name, args });
        const answer = answers[name as keyof typeof answers];
        return answer ? answer(...args) : Promise.resolve(0);
      };
    },
  });
  return { api, calls, push: (p: ImportProgress) => listeners.forEach((l) => l(p)) };
}

const progress = (bytesRead: number): ImportProgress => ({ operation: 'import', phase: 'reading', path: '/f', bytesRead, totalBytes: 100, packets: 1 });

describe('Import binding', () => {
  let store: AppStore;
  const imp = () => store.getState().import;
  beforeEach(() => {
    store = createAppStore();
  });

  it('a file with one flow has it chosen; several wait for the user', async () => {
    const { api } = fakeApi({ listCaptureFlows: async (p) => (p === '/one' ? listOf('a > b') : listOf('a > b', 'c > d')) });
    const { commands } = bindImport(api, store);
    imp().set({ path: ' /one ' });
    await commands.listFlows();
    expect(imp()).toMatchObject({ listedPath: '/one', flow: 'a > b', busy: null, error: null });
    imp().set({ path: '/two' });
    await commands.listFlows();
    expect(imp().flow).toBeNull();
    expect(imp().listed?.flows).toHaveLength(2);
  });

  it('imports the chosen flow with its options, and keeps the error sentence when it fails', async () => {
    const info = { id: 's1', startedAt: 0, config: { binMs: 50 } } as StreamInfo;
    let fail = false;
    const { api, calls } = fakeApi({
      listCaptureFlows: async () => listOf('a > b'),
      importCapture: async () => {
        if (fail) throw new GapscopeError('invalid-argument', 'Block of type 0x6 has an impossible length (at byte offset 64)');
        return info;
      },
    });
    const { commands } = bindImport(api, store);
    imp().set({ path: '/f' });
    await commands.listFlows();
    imp().set({ decode: 'seq', binMs: 50, gapMs: '' });
    expect(await commands.importFlow()).toBe(info);
    expect(calls.at(-1)).toEqual({ method: 'importCapture', args: ['/f', { flow: 'a > b', decode: 'seq', binMs: 50, gapMs: undefined }] });
    // Reception shows the imported stream, its chart on the imported packets.
    expect(store.getState()).toMatchObject({ view: 'reception', selectedId: 's1' });
    expect(store.getState().chartViews.s1).toBeDefined();
    imp().set({ gapMs: '250' });
    fail = true;
    expect(await commands.importFlow()).toBeNull();
    expect(calls.at(-1)?.args[1]).toMatchObject({ gapMs: 250 });
    expect(imp().error).toEqual({ code: 'invalid-argument', message: 'Block of type 0x6 has an impossible length (at byte offset 64)' });
    expect(imp().busy).toBeNull();
  });

  it('one reading at a time; its progress is shown, others\u2019 are not', async () => {
    let release!: (v: CaptureFlowList) => void;
    const { api, calls, push } = fakeApi({ listCaptureFlows: () => new Promise((r) => (release = r)) });
    const { commands, dispose: unbind } = bindImport(api, store);
    push(progress(10));
    expect(imp().progress).toBeNull();
    imp().set({ path: '/f' });
    const first = commands.listFlows();
    expect(imp().busy).toBe('list');
    push(progress(40));
    expect(imp().progress?.bytesRead).toBe(40);
    await commands.listFlows();
    expect(calls.filter((c) => c.method === 'listCaptureFlows')).toHaveLength(1);
    await commands.cancel();
    expect(calls.at(-1)?.method).toBe('cancelImport');
    release(listOf('a > b'));
    await first;
    expect(imp().busy).toBeNull();
    unbind();
    push(progress(90));
    expect(imp().progress?.bytesRead).toBe(40);
  });

  it('compares with a flow per side, B\u2019s empty meaning the same as A\u2019s', async () => {
    const report = { flows: { a: 'a > b', b: 'a > x' } } as CaptureCompare;
    const { api, calls } = fakeApi({ listCaptureFlows: async (p) => (p === '/a' ? listOf('a > b', 'c > d') : listOf('a > x')), compareCaptures: async () => report });
    const { commands } = bindImport(api, store);
    imp().set({ pathA: '/a', pathB: '/b' });
    await commands.listCompareFlows();
    expect(imp().compareFlow).toBe('a > b');
    expect(imp().compareFlowsB?.flows.map((f) => f.id)).toEqual(['a > x']);
    await commands.runCompare();
    expect(calls.at(-1)).toEqual({ method: 'compareCaptures', args: ['/a', '/b', { flow: 'a > b', flowB: undefined, decode: 'auto', binMs: 100 }] });
    imp().set({ compareFlowB: 'a > x' });
    await commands.runCompare();
    expect(calls.at(-1)?.args[2]).toMatchObject({ flowB: 'a > x' });
    expect(imp().compare).toBe(report);
  });

  it('takes a recorded session\u2019s capture as a path, and says why when it cannot', async () => {
    const { api } = fakeApi({
      listSessions: async () => [{ id: 's1', name: 'Run 1', packets: 5 }],
      getSessionFolder: async () => '/data/sessions',
      getSession: async (id) => {
        if (id === 'gone') throw new GapscopeError('not-found', 'No session gone.');
        return { id, capture: 'capture.pcapng' };
      },
    });
    const { commands } = bindImport(api, store);
    await commands.loadSessions();
    expect(imp().sessions.map((x) => x.id)).toEqual(['s1']);
    await commands.pickSession('s1', 'pathB');
    expect(imp().pathB).toBe('/data/sessions/s1/capture.pcapng');
    await commands.pickSession('gone', 'path');
    expect(imp().error).toEqual({ code: 'not-found', message: 'No session gone.' });
    expect(imp().path).toBe('');
  });
});
