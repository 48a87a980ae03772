import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contentSecurityPolicy, contentSecurityPolicyMetaTag, withContentSecurityPolicy, type PolicyPage } from './contentSecurityPolicy';

const directive = (policy: string, name: string) =>
  policy
    .split(';')
    .map((d) => d.trim())
    .find((d) => d.startsWith(`${name} `));

describe('contentSecurityPolicy', () => {
  it('allows only the app itself in production', () => {
    const policy = contentSecurityPolicy({ kind: 'file' });
    expect(directive(policy, 'default-src')).toBe("default-src 'self'");
    expect(directive(policy, 'script-src')).toBe("script-src 'self'");
    expect(directive(policy, 'connect-src')).toBe("connect-src 'self'");
    expect(directive(policy, 'object-src')).toBe("object-src 'none'");
    expect(directive(policy, 'frame-ancestors')).toBe("frame-ancestors 'none'");
    expect(policy).not.toContain('unsafe-eval');
  });

  it('opens only what the dev server needs in development', () => {
    const policy = contentSecurityPolicy({ kind: 'dev-server', origin: 'http://localhost:5173' });
    expect(directive(policy, 'script-src')).toBe("script-src 'self' 'unsafe-inline'");
    expect(directive(policy, 'connect-src')).toBe("connect-src 'self' ws://localhost:5173");
    expect(policy).not.toContain('unsafe-eval');
  });
});

describe('one policy for the window, web mode and index.html', () => {
  const directives = (policy: string) => new Map(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...sources]) => [name!, sources.join(' ')]));

  it("names web mode's own origin for its socket and no other host", () => {
    const policy = contentSecurityPolicy({ kind: 'web', origin: 'http://10.0.0.5:8080' });
    expect(directive(policy, 'connect-src')).toBe("connect-src 'self' ws://10.0.0.5:8080");
    expect(policy).not.toMatch(/(^|\s)wss?:(\s|;|$)/);
    expect(contentSecurityPolicy({ kind: 'web', origin: 'https://gapscope.example' })).toContain("connect-src 'self' wss://gapscope.example;");
  });

  it('differs between places only in the socket it allows and in frame-ancestors, which a meta tag cannot carry', () => {
    const pages: PolicyPage[] = [{ kind: 'file' }, { kind: 'web', origin: 'http://127.0.0.1:9000' }, { kind: 'built' }];
    const all = pages.flatMap((p) => [contentSecurityPolicy(p, 'header'), contentSecurityPolicy(p, 'meta')]).map(directives);
    for (const d of all) {
      d.delete('connect-src');
      d.delete('frame-ancestors');
      expect(d).toEqual(all[0]);
    }
    expect(directive(contentSecurityPolicy({ kind: 'built' }, 'meta'), 'connect-src')).toBe("connect-src 'self'");
    expect(contentSecurityPolicy({ kind: 'built' }, 'meta')).not.toContain('frame-ancestors');
    expect(directive(contentSecurityPolicy({ kind: 'built' }), 'frame-ancestors')).toBe("frame-ancestors 'none'");
  });

  it('gives the build a meta tag that goes first in <head>', () => {
    expect(contentSecurityPolicyMetaTag({ kind: 'built' })).toEqual({
      tag: 'meta',
      attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy({ kind: 'built' }, 'meta') },
      injectTo: 'head-prepend',
    });
  });

  it('is the policy the build writes first into index.html, which has none written by hand', () => {
    const root = join(__dirname, '..', '..');
    expect(readFileSync(join(root, 'renderer', 'index.html'), 'utf8')).not.toMatch(/<meta[^>]+Content-Security-Policy/i);
    const built = join(root, 'out', 'renderer', 'index.html');
    if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` before these tests (npm test does).`);
    const head = /<head>\s*<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(readFileSync(built, 'utf8'));
    expect(head?.[1]?.replaceAll('&#39;', "'")).toBe(contentSecurityPolicy({ kind: 'built' }, 'meta'));
  });
});

describe('withContentSecurityPolicy', () => {
  it('replaces an existing policy whatever its case and keeps other headers', () => {
    const out = withContentSecurityPolicy({ 'content-security-policy': ['default-src *'], 'Content-Type': ['text/html'] }, "default-src 'self'");
    expect(out).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': ["default-src 'self'"] });
  });

  it('works when the response had no headers', () => {
    expect(withContentSecurityPolicy(undefined, 'x')).toEqual({ 'Content-Security-Policy': ['x'] });
  });
});
