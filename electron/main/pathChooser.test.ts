// The desktop's Open and Save dialogs (the dialog replaced by a recording stand-in), behind the
// contract's door: what each purpose shows, and that the path chosen then goes to the same
// requests a typed path does, on a real back end and a real capture.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { GapscopeError } from '../../shared/errors';
import { createBackend, NO_DIALOG_MESSAGE } from '../app/createBackend';
import type { Backend } from '../kernel/backend';
import { inProcessApi } from '../kernel/inProcessApi';
import { builtWorkerPath } from '../testing/builtWorker';
import { createPathChooser, dialogPlan, downloadSaveOptions, type Dialogs, type OpenOptions, type SaveOptions } from './pathChooser';

const capture = join(__dirname, '..', 'capture', 'fixtures', 'corpus', 'tsduck-mpegts-udp.pcapng');
const work = mkdtempSync(join(tmpdir(), 'gapscope-dialogs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Shown {
  kind: 'open' | 'save';
  window: string | null;
  options: OpenOptions | SaveOptions;
}

/** Dialogs that record what they were asked to show and answer what the test says the person picked. */
function recordingDialogs(answer: { open?: string[] | null; save?: string | null }): { dialogs: Dialogs<string>; shown: Shown[] } {
  const shown: Shown[] = [];
  return {
    shown,
    dialogs: {
      async showOpenDialog(window, options) {
        shown.push({ kind: 'open', window, options });
        return answer.open ? { canceled: false, filePaths: answer.open } : { canceled: true, filePaths: [] };
      },
      async showSaveDialog(window, options) {
        shown.push({ kind: 'save', window, options });
        return answer.save ? { canceled: false, filePath: answer.save } : { canceled: true };
      },
    },
  };
}

let backend: Backend | null = null;
afterEach(async () => {
  await backend?.close();
  backend = null;
});

async function desktop(answer: { open?: string[] | null; save?: string | null }, focused: string | null = 'main window') {
  const { dialogs, shown } = recordingDialogs(answer);
  backend = await createBackend({ mode: 'desktop', dataDir: mkdtempSync(join(work, 'data-')), workerPath: builtWorkerPath(), watchNetwork: false, choosePath: createPathChooser(dialogs, () => focused) });
  return { api: inProcessApi(backend), shown };
}

describe('choosePath in the desktop window', () => {
  it('opens a capture with the Open dialog, and the path imports as a typed one does', async () => {
    const { api, shown } = await desktop({ open: [capture] });
    const chosen = await api.choosePath({ purpose: 'open-capture', startIn: work });
    expect(chosen).toEqual({ path: capture });
    expect(shown).toEqual([{ kind: 'open', window: 'main window', options: expect.objectContaining({ defaultPath: work, properties: ['openFile'], filters: [{ name: 'Captures (pcapng, pcap)', extensions: ['pcapng', 'pcap', 'cap'] }, { name: 'All files', extensions: ['*'] }] }) }]);
    const flows = await api.listCaptureFlows(chosen.path!);
    expect(flows.flows.length).toBeGreaterThan(0);
    const stream = await api.importCapture(chosen.path!, { flow: flows.flows[0]!.id });
    expect(stream.status).toBe('stopped');
  });

  it('chooses the sessions folder with a folder dialog, and setSessionFolder takes it', async () => {
    const folder = join(work, 'sessions chosen');
    mkdirSync(folder);
    const { api, shown } = await desktop({ open: [folder] });
    const chosen = await api.choosePath({ purpose: 'session-folder' });
    expect(shown[0]!.options).toMatchObject({ properties: ['openDirectory', 'createDirectory', 'promptToCreate'] });
    expect(shown[0]!.options).not.toHaveProperty('defaultPath');
    expect(await api.setSessionFolder(chosen.path!)).toBe(folder);
    expect(await api.getSessionFolder()).toBe(folder);
  });

  it('offers the name in the folder given, and adds .pcapng when the system left it off', async () => {
    const { api, shown } = await desktop({ save: join(work, 'out', 'my copy') });
    const chosen = await api.choosePath({ purpose: 'save-capture', suggestedName: 'session-1 copy.pcapng', startIn: join(work, 'out') });
    expect(chosen).toEqual({ path: join(work, 'out', 'my copy.pcapng') });
    expect(shown[0]).toMatchObject({ kind: 'save', window: 'main window', options: { defaultPath: join(work, 'out', 'session-1 copy.pcapng'), filters: [{ name: 'pcapng capture', extensions: ['pcapng'] }] } });
    // No overwrite prompt of the dialog's own: the save refuses an existing file itself.
    expect((shown[0]!.options as SaveOptions).properties).not.toContain('showOverwriteConfirmation');
  });

  it('answers null when the person cancels, and shows a free dialog when no window has the focus', async () => {
    const { api, shown } = await desktop({ open: null, save: null }, null);
    await expect(api.choosePath({ purpose: 'open-capture' })).resolves.toEqual({ path: null });
    await expect(api.choosePath({ purpose: 'save-capture' })).resolves.toEqual({ path: null });
    expect(shown.map((s) => [s.kind, s.window])).toEqual([['open', null], ['save', null]]);
  });

  it('checks the request at the door before any dialog shows', async () => {
    const { api, shown } = await desktop({ open: [capture] });
    await expect(api.choosePath({ purpose: 'delete-everything' as 'open-capture' })).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(api.choosePath({ purpose: 'save-capture', suggestedName: '../../etc/passwd' })).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/file name, without folders/) });
    await expect(api.choosePath({ purpose: 'open-capture', startIn: 'relative/folder' })).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/absolute path/) });
    expect(shown).toEqual([]);
  });
});

describe('choosePath elsewhere', () => {
  it('is refused in web mode, in words, so the page keeps the typed path', async () => {
    backend = await createBackend({ mode: 'web', dataDir: mkdtempSync(join(work, 'web-')), workerPath: builtWorkerPath(), watchNetwork: false });
    const err = await inProcessApi(backend).choosePath({ purpose: 'open-capture' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GapscopeError);
    expect(err).toMatchObject({ code: 'unsupported', message: NO_DIALOG_MESSAGE });
  });
});

describe('dialogPlan and downloadSaveOptions', () => {
  it('names each purpose\'s dialog', () => {
    expect(dialogPlan({ purpose: 'open-capture' }).options.title).toBe('Open a capture');
    expect(dialogPlan({ purpose: 'session-folder' }).options.buttonLabel).toBe('Use this folder');
    expect(dialogPlan({ purpose: 'save-capture' }).options.defaultPath).toBe('capture.pcapng');
  });

  it('filters an export\'s Save dialog to its own type, in the Downloads folder', () => {
    const csv = downloadSaveOptions('stream 5004 gaps.csv', '/home/u/Downloads');
    expect(csv).toMatchObject({ defaultPath: join('/home/u/Downloads', 'stream 5004 gaps.csv'), filters: [{ name: 'CSV table', extensions: ['csv'] }, { name: 'All files', extensions: ['*'] }] });
    expect(downloadSaveOptions('README', '/d').filters).toEqual([{ name: 'All files', extensions: ['*'] }]);
    expect(downloadSaveOptions('x.weird', '/d').filters![0]).toEqual({ name: '.weird file', extensions: ['weird'] });
  });
});
