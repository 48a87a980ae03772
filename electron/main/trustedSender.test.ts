import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isAppPageUrl, isTrustedSender, navigationDecision, permissionAllowed, resolveAppPage, type AppPage } from './trustedSender';

const indexFileUrl = pathToFileURL('/Applications/Gapscope.app/Contents/Resources/app.asar/out/renderer/index.html').href;
const filePage: AppPage = { kind: 'file', url: indexFileUrl };
const devPage: AppPage = { kind: 'dev-server', origin: 'http://localhost:5173' };

const mainFrame = (url: string) => ({ url, parent: null, detached: false });

describe('resolveAppPage', () => {
  it('uses the dev server only in an unpackaged app', () => {
    expect(resolveAppPage({ indexFileUrl, devServerUrl: 'http://localhost:5173/', isPackaged: false })).toEqual(devPage);
    expect(resolveAppPage({ indexFileUrl, devServerUrl: 'http://localhost:5173/', isPackaged: true })).toEqual(filePage);
    expect(resolveAppPage({ indexFileUrl, devServerUrl: undefined, isPackaged: false })).toEqual(filePage);
  });

  it('ignores a dev server URL that is not http(s)', () => {
    expect(resolveAppPage({ indexFileUrl, devServerUrl: 'file:///tmp/evil.html', isPackaged: false })).toEqual(filePage);
    expect(resolveAppPage({ indexFileUrl, devServerUrl: 'not a url', isPackaged: false })).toEqual(filePage);
  });
});

describe('isAppPageUrl', () => {
  it('accepts the built index.html, with or without a hash or query', () => {
    expect(isAppPageUrl(indexFileUrl, filePage)).toBe(true);
    expect(isAppPageUrl(`${indexFileUrl}#/streams/abc`, filePage)).toBe(true);
    expect(isAppPageUrl(`${indexFileUrl}?x=1`, filePage)).toBe(true);
  });

  it('treats percent-encoding differences in the path as the same file', () => {
    const spaced: AppPage = { kind: 'file', url: pathToFileURL('/Users/a b/Gapscope/out/renderer/index.html').href };
    expect(isAppPageUrl('file:///Users/a%20b/Gapscope/out/renderer/index.html', spaced)).toBe(true);
  });

  it('rejects any other local file, even a neighbour', () => {
    expect(isAppPageUrl(indexFileUrl.replace('index.html', 'other.html'), filePage)).toBe(false);
    expect(isAppPageUrl('file:///tmp/index.html', filePage)).toBe(false);
    expect(isAppPageUrl('file://evil-host/Applications/Gapscope.app/Contents/Resources/app.asar/out/renderer/index.html', filePage)).toBe(false);
  });

  it('rejects web pages, about:blank, data: and garbage in production', () => {
    expect(isAppPageUrl('http://localhost:5173/', filePage)).toBe(false);
    expect(isAppPageUrl('about:blank', filePage)).toBe(false);
    expect(isAppPageUrl('data:text/html,<script>1</script>', filePage)).toBe(false);
    expect(isAppPageUrl('', filePage)).toBe(false);
  });

  it('accepts any path on the dev server origin, and nothing else', () => {
    expect(isAppPageUrl('http://localhost:5173/', devPage)).toBe(true);
    expect(isAppPageUrl('http://localhost:5173/index.html?t=1', devPage)).toBe(true);
    expect(isAppPageUrl('http://localhost:5174/', devPage)).toBe(false);
    expect(isAppPageUrl('http://127.0.0.1:5173/', devPage)).toBe(false);
    expect(isAppPageUrl('https://localhost:5173/', devPage)).toBe(false);
    expect(isAppPageUrl('http://localhost:5173.evil.example/', devPage)).toBe(false);
    expect(isAppPageUrl(indexFileUrl, devPage)).toBe(false);
  });
});

describe('isTrustedSender', () => {
  it('trusts the main frame of an app window showing the app page', () => {
    expect(isTrustedSender({ frame: mainFrame(indexFileUrl), fromAppWindow: true }, filePage)).toBe(true);
    expect(isTrustedSender({ frame: mainFrame('http://localhost:5173/'), fromAppWindow: true }, devPage)).toBe(true);
  });

  it('refuses a frame that is gone', () => {
    expect(isTrustedSender({ frame: null, fromAppWindow: true }, filePage)).toBe(false);
    expect(isTrustedSender({ frame: { ...mainFrame(indexFileUrl), detached: true }, fromAppWindow: true }, filePage)).toBe(false);
  });

  it('refuses an iframe, even one showing the app page', () => {
    const parent = mainFrame(indexFileUrl);
    expect(isTrustedSender({ frame: { url: indexFileUrl, parent }, fromAppWindow: true }, filePage)).toBe(false);
  });

  it('refuses a web contents that is not one of the app windows', () => {
    expect(isTrustedSender({ frame: mainFrame(indexFileUrl), fromAppWindow: false }, filePage)).toBe(false);
  });

  it('refuses an app window that shows another page', () => {
    expect(isTrustedSender({ frame: mainFrame('https://example.com/'), fromAppWindow: true }, filePage)).toBe(false);
    expect(isTrustedSender({ frame: mainFrame('file:///etc/passwd'), fromAppWindow: true }, filePage)).toBe(false);
  });
});

describe('navigationDecision', () => {
  it('lets the app page reload itself', () => {
    expect(navigationDecision(`${indexFileUrl}#/x`, filePage)).toBe('allow');
  });

  it('sends web links to the system browser', () => {
    expect(navigationDecision('https://github.com/gapscope', filePage)).toBe('open-in-browser');
    expect(navigationDecision('http://192.168.1.1/', filePage)).toBe('open-in-browser');
  });

  it('refuses every other scheme and web links carrying credentials', () => {
    expect(navigationDecision('file:///etc/passwd', filePage)).toBe('deny');
    expect(navigationDecision('smb://server/share', filePage)).toBe('deny');
    expect(navigationDecision('javascript:alert(1)', filePage)).toBe('deny');
    expect(navigationDecision('https://user:pw@example.com/', filePage)).toBe('deny');
    expect(navigationDecision('nonsense', filePage)).toBe('deny');
  });
});

describe('permissionAllowed', () => {
  it('lets the app page notify, and nothing else ask for anything', () => {
    const page = resolveAppPage({ indexFileUrl: pathToFileURL('/opt/Gapscope/resources/app/out/renderer/index.html').href, isPackaged: true });
    const own = pathToFileURL('/opt/Gapscope/resources/app/out/renderer/index.html').href;
    expect(permissionAllowed('notifications', own, page)).toBe(true);
    expect(permissionAllowed('media', own, page)).toBe(false);
    expect(permissionAllowed('clipboard-read', own, page)).toBe(false);
    expect(permissionAllowed('notifications', 'https://example.com/', page)).toBe(false);
    expect(permissionAllowed('notifications', pathToFileURL('/tmp/other.html').href, page)).toBe(false);
  });
});
