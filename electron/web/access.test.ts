import { describe, expect, it } from 'vitest';
import { AccessRules, cookieValue, isLoopbackHost, parseAllowedOrigin, tokenMatches } from './access';

const addresses = () => ['127.0.0.1', '10.0.0.5', '::1', 'fe80::1%eth0', 'fd00::5'];

describe('the Host and Origin allow-list', () => {
  it('on loopback, answers to the loopback names of its port only', () => {
    const rules = new AccessRules({ host: '127.0.0.1', port: 8080, localAddresses: addresses });
    expect(rules.ownHosts()).toEqual(['127.0.0.1:8080', 'localhost:8080', '[::1]:8080']);
    expect(rules.pageOrigin('localhost:8080')).toBe('http://localhost:8080');
    expect(rules.pageOrigin('LOCALHOST:8080')).toBe('http://localhost:8080');
    expect(rules.pageOrigin('127.0.0.1:8081')).toBeNull();
    expect(rules.pageOrigin('10.0.0.5:8080')).toBeNull();
    expect(rules.pageOrigin('evil.example:8080')).toBeNull();
    expect(rules.pageOrigin(undefined)).toBeNull();
  });

  it('bound to one address (--allow-remote), answers to that address only, not to any Host', () => {
    const rules = new AccessRules({ host: '10.0.0.5', port: 8080, localAddresses: addresses });
    expect(rules.ownHosts()).toEqual(['10.0.0.5:8080']);
    expect(rules.pageOrigin('10.0.0.5:8080')).toBe('http://10.0.0.5:8080');
    expect(rules.pageOrigin('evil.example:8080')).toBeNull();
    expect(rules.pageOrigin('127.0.0.1:8080')).toBeNull();
  });

  it('bound to every address, answers to each of this machine’s addresses (IPv6 in brackets, no zone)', () => {
    const rules = new AccessRules({ host: '0.0.0.0', port: 80, localAddresses: addresses });
    expect(rules.ownHosts()).toEqual(['127.0.0.1:80', 'localhost:80', '[::1]:80', '10.0.0.5:80', '[fe80::1]:80', '[fd00::5]:80']);
    expect(rules.pageOrigin('[fd00::5]:80')).toBe('http://[fd00::5]:80');
    expect(rules.pageOrigin('192.168.1.9:80')).toBeNull();
  });

  it('takes an Origin only from its own pages or --allow-origin, whatever the Host says', () => {
    const rules = new AccessRules({ host: '10.0.0.5', port: 8080, allowOrigins: ['https://gapscope.example'], localAddresses: addresses });
    expect(rules.originAllowed('http://10.0.0.5:8080')).toBe(true);
    expect(rules.originAllowed('https://gapscope.example')).toBe(true);
    expect(rules.originAllowed('http://evil.example')).toBe(false);
    expect(rules.originAllowed('http://10.0.0.5:8081')).toBe(false);
    expect(rules.originAllowed('null')).toBe(false);
    // No Origin: not a browser page; the token decides.
    expect(rules.originAllowed(undefined)).toBe(true);
    // A page reached through an allowed name is that origin's page, so its socket is wss: there.
    expect(rules.pageOrigin('gapscope.example')).toBe('https://gapscope.example');
  });

  it('says which addresses it answers to, and how to add a name', () => {
    const rules = new AccessRules({ host: '10.0.0.5', port: 8080, localAddresses: addresses });
    expect(rules.hostRefusal('evil.example')).toBe(
      'Misdirected request: this Gapscope answers as http://10.0.0.5:8080, not as http://evil.example; to use another name, restart serve with --allow-origin http://NAME:8080.',
    );
  });
});

describe('--allow-origin', () => {
  it('keeps the origin of an http(s) URL with nothing after the host', () => {
    expect(parseAllowedOrigin('http://inspector.local:8080')).toBe('http://inspector.local:8080');
    expect(parseAllowedOrigin('HTTPS://Gapscope.Example/')).toBe('https://gapscope.example');
  });

  it('refuses anything else with a sentence', () => {
    expect(() => parseAllowedOrigin('inspector.local')).toThrow('--allow-origin inspector.local is not an origin; give one like http://inspector.local:8080.');
    expect(() => parseAllowedOrigin('*')).toThrow(/is not an origin/);
    expect(() => parseAllowedOrigin('ftp://x')).toThrow(/scheme, host and port only/);
    expect(() => parseAllowedOrigin('http://x/path')).toThrow(/scheme, host and port only/);
    expect(() => parseAllowedOrigin('http://u:p@x')).toThrow(/scheme, host and port only/);
  });
});

describe('tokens', () => {
  it('match exactly', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abd', 'abc')).toBe(false);
    expect(tokenMatches('ab', 'abc')).toBe(false);
    expect(tokenMatches(null, 'abc')).toBe(false);
    expect(tokenMatches('', 'abc')).toBe(false);
  });

  it('are read from one cookie among others', () => {
    expect(cookieValue('a=1; gapscope-token-8080=tok; b=2', 'gapscope-token-8080')).toBe('tok');
    expect(cookieValue('gapscope-token-8081=tok', 'gapscope-token-8080')).toBeNull();
    expect(cookieValue(undefined, 'x')).toBeNull();
  });

  it('loopback is 127/8, ::1 and localhost', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].map(isLoopbackHost)).toEqual([true, true, true, true]);
    expect(['0.0.0.0', '::', '10.0.0.5', '128.0.0.1'].map(isLoopbackHost)).toEqual([false, false, false, false]);
  });
});
