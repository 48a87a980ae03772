// The Electron binary is not available in CI, so ipcMain is replaced by a recorder and windows by
// plain objects: this checks the binding's own logic (sender check first, then the contract's
// dispatcher; events only to app windows), not Electron.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { GapscopeService } from '../../shared/contract';
import type { Backend, BackendEventListener } from '../kernel/backend';
import type { AppPage } from './trustedSender';

type Handler = (event: unknown, ...args: unknown[]) => Promise<unknown>;
const handlers = new Map<string, Handler>();

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: Handler) => handlers.set(channel, handler),
    removeHandler: (channel: string) => handlers.delete(channel),
  },
}));

const { bindBackendToIpc } = await import('./ipcBinding');

const APP_URL = 'file:///opt/Gapscope/resources/app.asar/out/renderer/index.html';
const page: AppPage = { kind: 'file', url: APP_URL };

function fakeWebContents(url = APP_URL) {
  const destroyedListeners: (() => void)[] = [];
  const contents = {
    url,
    destroyed: false,
    sent: [] as unknown[][],
    mainFrame: { url, parent: null, detached: false },
    getURL: () => contents.url,
    isDestroyed: () => contents.destroyed,
    send: (...args: unknown[]) => contents.sent.push(args),
    once: (name: string, listener: () => void) => {
      if (name === 'destroyed') destroyedListeners.push(listener);
    },
    destroy: () => {
      contents.destroyed = true;
      for (const l of destroyedListeners) l();
    },
  };
  return contents;
}
type FakeContents = ReturnType<typeof fakeWebContents>;

function fakeBackend() {
  let listener: BackendEventListener | null = null;
  const getAppInfo = vi.fn(() => ({ version: '1.2.3', platform: 'linux', mode: 'desktop' as const }));
  const stopStream = vi.fn();
  const backend = {
    service: { getAppInfo, stopStream } as unknown as GapscopeService,
    onEvent: (l: BackendEventListener) => {
      listener = l;
      return () => {
        listener = null;
      };
    },
    close: async () => {},
  } satisfies Backend;
  const emit = (name: 'streamRemoved', payload: { id: string }) => listener?.(name, payload);
  return { backend, getAppInfo, stopStream, emit, hasListener: () => listener !== null };
}

const asWindow = (contents: FakeContents) => ({ webContents: contents }) as unknown as Electron.BrowserWindow;
const call = (sender: FakeContents, frame: unknown, method: unknown, args: unknown) =>
  handlers.get('gapscope:call')!({ sender, senderFrame: frame }, method, args);

describe('bindBackendToIpc', () => {
  beforeEach(() => {
    handlers.clear();
    vi.spyOn(console, 'warn').mockImplementation(() => {});
  });

  it('runs a call from the main frame of an app window through the contract', async () => {
    const { backend, getAppInfo } = fakeBackend();
    const binding = bindBackendToIpc(backend, page);
    const window = fakeWebContents();
    binding.addWindow(asWindow(window));
    await expect(call(window, window.mainFrame, 'getAppInfo', [])).resolves.toEqual({
      ok: true,
      value: { version: '1.2.3', platform: 'linux', mode: 'desktop' },
    });
    expect(getAppInfo).toHaveBeenCalledOnce();
  });

  it('answers permission-denied, without reaching the back end, for a window that is not the app', async () => {
    const { backend, getAppInfo } = fakeBackend();
    bindBackendToIpc(backend, page);
    const stranger = fakeWebContents();
    const outcome = (await call(stranger, stranger.mainFrame, 'getAppInfo', [])) as { ok: boolean; error: { code: string } };
    expect(outcome.ok).toBe(false);
    expect(outcome.error.code).toBe('permission-denied');
    expect(getAppInfo).not.toHaveBeenCalled();
  });

  it('refuses an iframe, a foreign page and a frame that is gone', async () => {
    const { backend, getAppInfo } = fakeBackend();
    const binding = bindBackendToIpc(backend, page);
    const window = fakeWebContents();
    binding.addWindow(asWindow(window));
    const iframe = { url: APP_URL, parent: window.mainFrame, detached: false };
    const foreign = { url: 'https://example.com/', parent: null, detached: false };
    for (const frame of [iframe, foreign, null]) {
      const outcome = (await call(window, frame, 'getAppInfo', [])) as { error: { code: string } };
      expect(outcome.error.code).toBe('permission-denied');
    }
    const disposed = {
      get url(): string {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
      parent: null,
    };
    expect(((await call(window, disposed, 'getAppInfo', [])) as { error: { code: string } }).error.code).toBe('permission-denied');
    expect(getAppInfo).not.toHaveBeenCalled();
  });

  it('lets the contract reject bad arguments and unknown methods', async () => {
    const { backend, stopStream } = fakeBackend();
    const binding = bindBackendToIpc(backend, page);
    const window = fakeWebContents();
    binding.addWindow(asWindow(window));
    const bad = (await call(window, window.mainFrame, 'stopStream', ['../../etc'])) as { error: { code: string } };
    expect(bad.error.code).toBe('invalid-argument');
    const unknown = (await call(window, window.mainFrame, 'rm -rf', [])) as { error: { code: string } };
    expect(unknown.error.code).toBe('unknown-method');
    const notString = (await call(window, window.mainFrame, { toString: () => 'getAppInfo' }, [])) as { error: { code: string } };
    expect(notString.error.code).toBe('invalid-argument');
    expect(stopStream).not.toHaveBeenCalled();
  });

  it('forwards events only to live app windows still showing the app page', () => {
    const { backend, emit } = fakeBackend();
    const binding = bindBackendToIpc(backend, page);
    const shown = fakeWebContents();
    const navigatedAway = fakeWebContents();
    const closed = fakeWebContents();
    const stranger = fakeWebContents();
    for (const w of [shown, navigatedAway, closed]) binding.addWindow(asWindow(w));
    navigatedAway.url = 'https://example.com/';
    closed.destroy();
    emit('streamRemoved', { id: 'abc' });
    expect(shown.sent).toEqual([['gapscope:event', 'streamRemoved', { id: 'abc' }]]);
    expect(navigatedAway.sent).toEqual([]);
    expect(closed.sent).toEqual([]);
    expect(stranger.sent).toEqual([]);
  });

  it('stops answering and forwarding once disposed', () => {
    const { backend, hasListener } = fakeBackend();
    const binding = bindBackendToIpc(backend, page);
    expect(handlers.has('gapscope:call')).toBe(true);
    binding.dispose();
    expect(handlers.has('gapscope:call')).toBe(false);
    expect(hasListener()).toBe(false);
  });
});
