/**
 * The desktop window's Open and Save dialogs, for the contract's choosePath: what each purpose
 * shows, and the path it gives back. The dialog is handed in (Electron's `dialog` in the app, a
 * stand-in in tests), so this module runs in plain Node; the path chosen then goes through the same
 * request, and the same checks, as a typed one.
 */
import { extname, join } from 'node:path';
import type { ChoosePathRequest, ChosenPath, PathPurpose } from '../../shared/contract';

/** A file-type filter, as Electron's dialogs take it. */
export interface FileFilter {
  name: string;
  extensions: string[];
}

/** The options of an Open dialog (the part of Electron's OpenDialogOptions used here). */
export interface OpenOptions {
  title: string;
  buttonLabel: string;
  defaultPath?: string;
  filters?: FileFilter[];
  properties: Array<'openFile' | 'openDirectory' | 'createDirectory' | 'promptToCreate' | 'dontAddToRecent'>;
}

/** The options of a Save dialog (the part of Electron's SaveDialogOptions used here). */
export interface SaveOptions {
  title: string;
  buttonLabel: string;
  defaultPath?: string;
  filters?: FileFilter[];
  properties?: Array<'createDirectory' | 'showOverwriteConfirmation' | 'dontAddToRecent'>;
}

/** The two dialogs as Electron's `dialog` offers them: modal to a window, or free when it is null. */
export interface Dialogs<W> {
  showOpenDialog(window: W | null, options: OpenOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
  showSaveDialog(window: W | null, options: SaveOptions): Promise<{ canceled: boolean; filePath?: string }>;
}

const CAPTURES: FileFilter = { name: 'Captures (pcapng, pcap)', extensions: ['pcapng', 'pcap', 'cap'] };
const PCAPNG: FileFilter = { name: 'pcapng capture', extensions: ['pcapng'] };
const ALL_FILES: FileFilter = { name: 'All files', extensions: ['*'] };

type Plan = { kind: 'open'; options: OpenOptions } | { kind: 'save'; options: SaveOptions; extension: string };

/** The dialog each purpose shows. */
export function dialogPlan(request: ChoosePathRequest): Plan {
  const startIn = request.startIn;
  const purpose: PathPurpose = request.purpose;
  switch (purpose) {
    case 'open-capture':
      return { kind: 'open', options: { title: 'Open a capture', buttonLabel: 'Open', ...(startIn ? { defaultPath: startIn } : {}), filters: [CAPTURES, ALL_FILES], properties: ['openFile'] } };
    case 'session-folder':
      return { kind: 'open', options: { title: 'Folder for recorded sessions', buttonLabel: 'Use this folder', ...(startIn ? { defaultPath: startIn } : {}), properties: ['openDirectory', 'createDirectory', 'promptToCreate'] } };
    case 'save-capture': {
      const name = request.suggestedName ?? 'capture.pcapng';
      const defaultPath = startIn ? join(startIn, name) : name;
      // No overwrite prompt of the dialog's own: an existing file is refused by the save itself, which never replaces what it did not make.
      return { kind: 'save', extension: '.pcapng', options: { title: 'Save the capture', buttonLabel: 'Save', defaultPath, filters: [PCAPNG], properties: ['createDirectory'] } };
    }
  }
}

/**
 * The handler of choosePath for one app: shows the purpose's dialog over the window `parent()`
 * gives (the focused one; a free dialog when there is none) and answers the path, or null when the
 * person cancels. A save dialog's file gets the purpose's extension when the system left it off.
 */
export function createPathChooser<W>(dialogs: Dialogs<W>, parent: () => W | null): (request: ChoosePathRequest) => Promise<ChosenPath> {
  return async (request) => {
    const plan = dialogPlan(request);
    const window = parent();
    if (plan.kind === 'open') {
      const r = await dialogs.showOpenDialog(window, plan.options);
      return { path: r.canceled ? null : (r.filePaths[0] ?? null) };
    }
    const r = await dialogs.showSaveDialog(window, plan.options);
    if (r.canceled || !r.filePath) return { path: null };
    return { path: extname(r.filePath).toLowerCase() === plan.extension ? r.filePath : `${r.filePath}${plan.extension}` };
  };
}

/**
 * The Save dialog a download from the page gets in the desktop window (the Reception exports: the
 * HTML and JSON reports, the CSVs, the chart): its name offered in the Downloads folder, filtered
 * to its own type. Web mode leaves downloads to the browser.
 */
export function downloadSaveOptions(fileName: string, downloadsFolder: string): SaveOptions {
  const ext = extname(fileName).slice(1).toLowerCase();
  const kinds: Record<string, string> = { html: 'HTML report', json: 'JSON', csv: 'CSV table', png: 'PNG image', svg: 'SVG image', pcapng: 'pcapng capture', txt: 'Text' };
  const filters = ext ? [{ name: kinds[ext] ?? `.${ext} file`, extensions: [ext] }, ALL_FILES] : [ALL_FILES];
  return { title: 'Save the export', buttonLabel: 'Save', defaultPath: join(downloadsFolder, fileName), filters, properties: ['createDirectory', 'showOverwriteConfirmation'] };
}
