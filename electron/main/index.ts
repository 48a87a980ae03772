/**
 * The desktop shell: one locked-down window over the same back end the web mode and the CLI use.
 * Kept thin on purpose (the Electron binary cannot run in CI); the rules it applies live in pure,
 * tested modules (trustedSender.ts, ../kernel/contentSecurityPolicy.ts) and the back end in electron/app.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, session, shell, type Session, type WebContents } from 'electron';
import type { Backend } from '../kernel/backend';
import { createBackend } from '../app/createBackend';
import { contentSecurityPolicy, withContentSecurityPolicy } from '../kernel/contentSecurityPolicy';
import { bindBackendToIpc } from './ipcBinding';
import { createPathChooser, downloadSaveOptions } from './pathChooser';
import { navigationDecision, permissionAllowed, resolveAppPage } from './trustedSender';

const indexFile = join(__dirname, '../renderer/index.html');
const preloadFile = join(__dirname, '../preload/preload.js');
const devServerUrl = app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'];
const page = resolveAppPage({ indexFileUrl: pathToFileURL(indexFile).href, devServerUrl, isPackaged: app.isPackaged });

/** Keeps the page inside the app: web links go to the system browser, everything else is refused. */
function guardNavigation(contents: WebContents): void {
  const onNavigate = (event: { url: string; preventDefault(): void }): void => {
    const decision = navigationDecision(event.url, page);
    if (decision === 'allow') return;
    event.preventDefault();
    if (decision === 'open-in-browser') void shell.openExternal(event.url);
  };
  contents.on('will-navigate', onNavigate);
  contents.on('will-redirect', onNavigate);
  contents.setWindowOpenHandler(({ url }) => {
    if (navigationDecision(url, page) === 'open-in-browser') void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Denies every permission (camera, clipboard read…) but the app page's notifications (its alerts), and adds the CSP header. */
function hardenSession(ses: Session): void {
  ses.setPermissionRequestHandler((contents, permission, callback) => callback(permissionAllowed(permission, contents.getURL(), page)));
  ses.setPermissionCheckHandler((contents, permission) => (contents ? permissionAllowed(permission, contents.getURL(), page) : false));
  const policy = contentSecurityPolicy(page);
  // Electron documents that headers do not reach file:// loads; the meta tag in index.html covers those.
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders, policy) });
  });
  // The page's exports (reports, CSVs, the chart) are downloads: each gets the system's Save dialog, filtered to its type.
  ses.on('will-download', (_event, item) => {
    item.setSaveDialogOptions(downloadSaveOptions(item.getFilename(), app.getPath('downloads')));
  });
}

/** Electron's dialogs, modal to the focused window (or free when no window has the focus). */
const chooseWithDialogs = createPathChooser<BrowserWindow>(
  {
    showOpenDialog: (window, options) => (window ? dialog.showOpenDialog(window, options) : dialog.showOpenDialog(options)),
    showSaveDialog: (window, options) => (window ? dialog.showSaveDialog(window, options) : dialog.showSaveDialog(options)),
  },
  () => BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0] ?? null,
);

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 880,
    minHeight: 560,
    show: false,
    title: 'Gapscope',
    webPreferences: {
      preload: preloadFile,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  const loading = devServerUrl && page.kind === 'dev-server' ? window.loadURL(devServerUrl) : window.loadFile(indexFile);
  loading.catch((err: unknown) => {
    console.error('Gapscope: the window could not load its page:', err);
    window.show(); // ready-to-show never comes after a failed load; a visible window beats none
  });
  return window;
}

/** Stops every stream before the process ends; never blocks quitting for more than a few seconds. */
function closeBackendOnQuit(backend: Backend, beforeClose: () => void): void {
  let state: 'running' | 'closing' | 'closed' = 'running';
  app.on('will-quit', (event) => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    beforeClose();
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 5_000).unref());
    Promise.race([backend.close(), timeout])
      .catch((err: unknown) => console.error('Gapscope: closing the back end failed:', err))
      .finally(() => {
        state = 'closed';
        app.quit();
      });
  });
}

async function start(): Promise<void> {
  await app.whenReady();
  hardenSession(session.defaultSession);

  let backend: Backend;
  try {
    backend = await createBackend({ mode: 'desktop', dataDir: app.getPath('userData'), choosePath: chooseWithDialogs, reachAgents: true });
  } catch (err) {
    dialog.showErrorBox('Gapscope could not start', err instanceof Error ? err.message : String(err));
    app.exit(1);
    return;
  }

  const binding = bindBackendToIpc(backend, page);
  closeBackendOnQuit(backend, () => binding.dispose());
  const openWindow = (): void => binding.addWindow(createWindow());

  app.on('second-instance', () => {
    const [existing] = BrowserWindow.getAllWindows();
    if (!existing) return openWindow();
    if (existing.isMinimized()) existing.restore();
    existing.focus();
  });
  // macOS keeps the app (and its running streams) alive without windows; the Dock icon reopens one.
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  openWindow();
}

// Settings live in one folder per user; a development run keeps its own so it never touches them.
app.setPath('userData', join(app.getPath('appData'), app.isPackaged ? 'Gapscope' : 'Gapscope (development)'));
app.enableSandbox();
app.on('web-contents-created', (_event, contents) => guardNavigation(contents));
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

if (app.requestSingleInstanceLock()) {
  start().catch((err: unknown) => {
    console.error('Gapscope: startup failed:', err);
    app.exit(1);
  });
} else {
  app.quit();
}
