/**
 * The one Content-Security-Policy of Gapscope's page, wherever it is shown: the header the desktop
 * window's session adds to every response, the header web mode sends with each file, and the meta
 * tag the build writes into index.html (electron.vite.config.ts; the tag is what surely covers
 * file:// loads). A page must satisfy every policy it is given, so all three come from here and
 * differ only where their place requires. It lives in the kernel because both runtimes that show
 * the page (electron/main, electron/web) and the build use it; pure, so it is tested in plain Node.
 */

/**
 * Where the page is: the desktop window's page (its built file, or the dev server; the shell's
 * AppPage is one of these), web mode's page as served to one origin, or the built index.html
 * itself (its meta tag, before anyone serves it).
 */
export type PolicyPage =
  | { kind: 'file' }
  | { kind: 'dev-server'; /** e.g. http://localhost:5173 */ origin: string }
  | { kind: 'web'; /** e.g. http://127.0.0.1:8080, as the browser named it */ origin: string }
  | { kind: 'built' };

/** How the policy reaches the page: a response header, or a meta tag (which cannot carry frame-ancestors). */
export type PolicyDelivery = 'header' | 'meta';

/** Builds the policy: only the app's own code, no remote content, no plugins, no frames. */
export function contentSecurityPolicy(page: PolicyPage, delivery: PolicyDelivery = 'header'): string {
  const dev = page.kind === 'dev-server';
  // The page talks to its back end over IPC (desktop) or a WebSocket to the origin that served it
  // (web mode), never to another host. 'self' covers same-origin ws: in CSP Level 3 browsers; the
  // socket's origin is also named, for those that read 'self' as http(s) only.
  const socketOrigin = page.kind === 'web' || page.kind === 'dev-server' ? [page.origin.replace(/^http/, 'ws')] : [];
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    // The dev server's React refresh preamble is an inline module script, and it injects <style>
    // tags; the built page has neither (React sets style properties, which CSP does not govern).
    'script-src': dev ? ["'self'", "'unsafe-inline'"] : ["'self'"],
    'style-src': dev ? ["'self'", "'unsafe-inline'"] : ["'self'"],
    // Chart images are exported through a data: SVG.
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'", ...socketOrigin],
    'worker-src': ["'self'"],
    'object-src': ["'none'"],
    'frame-src': ["'none'"],
    // Browsers ignore (and warn about) frame-ancestors in a meta tag; headers carry it.
    ...(delivery === 'header' ? { 'frame-ancestors': ["'none'"] } : {}),
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/** The meta tag that carries the policy in index.html, as Vite's transformIndexHtml takes it (first in <head>). */
export function contentSecurityPolicyMetaTag(page: PolicyPage): { tag: 'meta'; attrs: Record<string, string>; injectTo: 'head-prepend' } {
  return { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy(page, 'meta') }, injectTo: 'head-prepend' };
}

/**
 * Returns the response headers with the policy set, replacing any Content-Security-Policy the
 * response had (header names are case-insensitive).
 */
export function withContentSecurityPolicy(headers: Record<string, string[]> | undefined, policy: string): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') result[name] = value;
  }
  result['Content-Security-Policy'] = [policy];
  return result;
}
