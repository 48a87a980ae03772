// The Electron binary cannot run in CI, so this loads the shell's entry against a recording fake of
// the few Electron APIs it uses, and checks what it asks of them: secure window options, denied
// permissions and navigation, the CSP header, one instance, and the back end closed on quit.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pathToFileURL } from 'node:url';

type Listener = (...args: unknown[]) => unknown;

class Emitter {
  listeners = new Map<string, Listener[]>();
  on(name: string, listener: Listener) {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
    return this;
  }
  once(name: string, listener: Listener) {
    return this.on(name, listener);
  }
  emit(name: string, ...args: unknown[]) {
    for (const l of this.listeners.get(name) ?? []) l(...args);
  }
}

function makeFakes(options: { gotLock: boolean; loadFails?: boolean }) {
  const app = Object.assign(new Emitter(), {
    isPackaged: false,
    paths: new Map<string, string>([['appData', '/home/u/.config']]),
    setPath: vi.fn((name: string, value: string) => app.paths.set(name, value)),
    getPath: (name: string) => app.paths.get(name) ?? `/fake/${name}`,
    enableSandbox: vi.fn(),
    requestSingleInstanceLock: vi.fn(() => options.gotLock),
    whenReady: () => Promise.resolve(),
    quit: vi.fn(),
    exit: vi.fn(),
  });
  const windows: FakeWindow[] = [];
  class FakeWindow extends Emitter {
    webContents = Object.assign(new Emitter(), { getURL: () => '', isDestroyed: () => false, send: vi.fn() });
    loadFile = vi.fn(() => (options.loadFails ? Promise.reject(new Error('ERR_FILE_NOT_FOUND')) : Promise.resolve()));
    loadURL = vi.fn(() => Promise.resolve());
    show = vi.fn();
    constructor(readonly options: { webPreferences: Record<string, unknown> }) {
      super();
      windows.push(this);
    }
    static getAllWindows = () => windows;
    static getFocusedWindow = () => windows[0] ?? null;
  }
  const defaultSession = Object.assign(new Emitter(), {
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
    webRequest: { onHeadersReceived: vi.fn() },
  });
  const electron = {
    app,
    BrowserWindow: FakeWindow,
    session: { defaultSession },
    shell: { openExternal: vi.fn(() => Promise.resolve()) },
    dialog: {
      showErrorBox: vi.fn(),
      showOpenDialog: vi.fn((..._args: unknown[]) => Promise.resolve({ canceled: false, filePaths: ['/home/u/captures/run 1.pcapng'] })),
      showSaveDialog: vi.fn((..._args: unknown[]) => Promise.resolve({ canceled: false, filePath: '/home/u/Desktop/copy' })),
    },
    ipcMain: { handle: vi.fn(), removeHandler: vi.fn() },
  };
  const backend = { service: {}, onEvent: vi.fn(() => () => {}), close: vi.fn(() => Promise.resolve()) };
  const createBackend = vi.fn(() => Promise.resolve(backend));
  return { electron, app, windows, defaultSession, backend, createBackend };
}

let fakes: ReturnType<typeof makeFakes>;

async function loadShell(gotLock = true, loadFails = false) {
  fakes = makeFakes({ gotLock, loadFails });
  vi.resetModules();
  vi.doMock('electron', () => fakes.electron);
  vi.doMock('../app/createBackend', () => ({ createBackend: fakes.createBackend }));
  await import('./index');
  await new Promise((resolve) => setTimeout(resolve, 0));
}

function navigationEvent(url: string) {
  return { url, preventDefault: vi.fn() };
}

describe('the desktop shell', () => {
  beforeEach(() => {
    vi.stubEnv('ELECTRON_RENDERER_URL', '');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.doUnmock('electron');
    vi.doUnmock('../app/createBackend');
  });

  it('opens one locked-down window on the built page, with the back end in the user data folder', async () => {
    await loadShell();
    expect(fakes.app.enableSandbox).toHaveBeenCalled();
    expect(fakes.createBackend).toHaveBeenCalledWith({ mode: 'desktop', dataDir: '/home/u/.config/Gapscope (development)', choosePath: expect.any(Function), reachAgents: true });
    expect(fakes.windows).toHaveLength(1);
    const [window] = fakes.windows;
    expect(window!.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
    expect(String(window!.options.webPreferences['preload'])).toMatch(/[\\/]preload[\\/]preload\.js$/);
    expect(window!.loadFile).toHaveBeenCalledWith(expect.stringMatching(/[\\/]renderer[\\/]index\.html$/));
    expect(window!.loadURL).not.toHaveBeenCalled();
  });

  it('loads the dev server when electron-vite gives one', async () => {
    vi.stubEnv('ELECTRON_RENDERER_URL', 'http://localhost:5173/');
    await loadShell();
    expect(fakes.windows[0]!.loadURL).toHaveBeenCalledWith('http://localhost:5173/');
    expect(fakes.windows[0]!.loadFile).not.toHaveBeenCalled();
  });

  it('shows the window even when its page fails to load', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    await loadShell(true, true);
    await vi.waitFor(() => expect(fakes.windows[0]!.show).toHaveBeenCalled());
  });

  it('denies every permission but the app page\'s notifications, and sets a CSP header on responses', async () => {
    await loadShell();
    const loaded = (fakes.windows[0]!.loadFile.mock.calls as unknown as string[][])[0]![0]!;
    const appPage = { getURL: () => pathToFileURL(loaded).href };
    const otherPage = { getURL: () => 'https://example.com/' };
    const requestHandler = fakes.defaultSession.setPermissionRequestHandler.mock.calls[0]![0] as Listener;
    const asked = (contents: unknown, permission: string): unknown => {
      const callback = vi.fn();
      requestHandler(contents, permission, callback, {});
      return callback.mock.calls[0]![0];
    };
    expect(asked(appPage, 'media')).toBe(false);
    expect(asked(appPage, 'notifications')).toBe(true);
    expect(asked(otherPage, 'notifications')).toBe(false);
    const checkHandler = fakes.defaultSession.setPermissionCheckHandler.mock.calls[0]![0] as Listener;
    expect(checkHandler(appPage, 'clipboard-read', 'file://', {})).toBe(false);
    expect(checkHandler(appPage, 'notifications', 'file://', {})).toBe(true);
    expect(checkHandler(null, 'notifications', 'file://', {})).toBe(false);
    const onHeaders = fakes.defaultSession.webRequest.onHeadersReceived.mock.calls[0]![0] as Listener;
    const done = vi.fn();
    onHeaders({ responseHeaders: { 'Content-Type': ['text/html'] } }, done);
    const headers = (done.mock.calls[0]![0] as { responseHeaders: Record<string, string[]> }).responseHeaders;
    expect(headers['Content-Security-Policy']![0]).toContain("default-src 'self'");
  });

  it('keeps every web contents on the app page and sends web links to the browser', async () => {
    await loadShell();
    const contents = Object.assign(new Emitter(), { setWindowOpenHandler: vi.fn() });
    fakes.app.emit('web-contents-created', {}, contents);

    const away = navigationEvent('https://example.com/docs');
    contents.emit('will-navigate', away);
    expect(away.preventDefault).toHaveBeenCalled();
    expect(fakes.electron.shell.openExternal).toHaveBeenCalledWith('https://example.com/docs');

    const local = navigationEvent('file:///etc/passwd');
    contents.emit('will-navigate', local);
    expect(local.preventDefault).toHaveBeenCalled();
    expect(fakes.electron.shell.openExternal).toHaveBeenCalledTimes(1);

    const openHandler = contents.setWindowOpenHandler.mock.calls[0]![0] as Listener;
    expect(openHandler({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(openHandler({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(fakes.electron.shell.openExternal).toHaveBeenCalledTimes(2);

    const webview = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('closes the back end before the process quits', async () => {
    await loadShell();
    const quitting = { preventDefault: vi.fn() };
    fakes.app.emit('will-quit', quitting);
    expect(quitting.preventDefault).toHaveBeenCalled();
    expect(fakes.backend.close).toHaveBeenCalledOnce();
    expect(fakes.electron.ipcMain.removeHandler).toHaveBeenCalledWith('gapscope:call');
    await vi.waitFor(() => expect(fakes.app.quit).toHaveBeenCalled());
    const second = { preventDefault: vi.fn() };
    fakes.app.emit('will-quit', second);
    expect(second.preventDefault).not.toHaveBeenCalled();
    expect(fakes.backend.close).toHaveBeenCalledOnce();
  });

  it('gives the back end the system\'s dialogs, modal to the focused window, for choosePath', async () => {
    await loadShell();
    const { choosePath } = (fakes.createBackend.mock.calls[0] as unknown as [{ choosePath: (r: object) => Promise<{ path: string | null }> }])[0];
    await expect(choosePath({ purpose: 'open-capture' })).resolves.toEqual({ path: '/home/u/captures/run 1.pcapng' });
    expect(fakes.electron.dialog.showOpenDialog.mock.calls[0]![0]).toBe(fakes.windows[0]);
    await expect(choosePath({ purpose: 'save-capture', suggestedName: 'copy.pcapng' })).resolves.toEqual({ path: '/home/u/Desktop/copy.pcapng' });
    expect(fakes.electron.dialog.showSaveDialog.mock.calls[0]![0]).toBe(fakes.windows[0]);
  });

  it('gives each download from the page (an export) a Save dialog for its type in Downloads', async () => {
    await loadShell();
    const item = { getFilename: () => 'stream 5004 report.html', setSaveDialogOptions: vi.fn() };
    fakes.defaultSession.emit('will-download', {}, item);
    expect(item.setSaveDialogOptions).toHaveBeenCalledWith(expect.objectContaining({ defaultPath: expect.stringMatching(/fake[\\/]downloads[\\/]stream 5004 report\.html$/), filters: [{ name: 'HTML report', extensions: ['html'] }, { name: 'All files', extensions: ['*'] }] }));
  });

  it('hands over to the running instance instead of starting a second one', async () => {
    await loadShell(false);
    expect(fakes.app.quit).toHaveBeenCalled();
    expect(fakes.createBackend).not.toHaveBeenCalled();
    expect(fakes.windows).toHaveLength(0);
  });
});
