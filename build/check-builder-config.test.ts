import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'gapscope-builder-config-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the check on electron-builder.yml changed by `edit`; its exit code and what it printed. */
function check(edit: (yml: string) => string): { code: number; output: string } {
  const file = join(work, `config-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(file, edit(readFileSync(join(root, 'electron-builder.yml'), 'utf8')));
  try {
    const output = execFileSync(process.execPath, [join(root, 'build', 'check-builder-config.mjs'), file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { code: 0, output };
  } catch (err) {
    const e = err as { status: number; stdout: string; stderr: string };
    return { code: e.status, output: e.stdout + e.stderr };
  }
}

describe('check-builder-config', () => {
  it('passes the configuration as committed', () => {
    const r = check((y) => y);
    expect(r.output).toMatch(/electron-builder\.yml is valid/);
    expect(r.code).toBe(0);
  }, 60_000);

  it('names each missing piece: the Mach-O UUID hook, the firewall include, the Local Network usage string, the Bonjour meta-query', () => {
    // One run for the three (each run validates the whole configuration with electron-builder's schema: seconds).
    const r = check((y) => y.replace(/^afterPack: .*$/m, '').replace(/^ {2}include: build\/installer\.nsh$/m, '').replace(/^ {4}NSLocalNetworkUsageDescription: .*$/m, '').replace(/^ {6}- _services\._dns-sd\._udp$/m, ''));
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/afterPack must be \.\/build\/after-pack\.mjs/);
    expect(r.output).toMatch(/nsis\.include must be build\/installer\.nsh/);
    expect(r.output).toMatch(/mac\.extendInfo needs NSLocalNetworkUsageDescription/);
    expect(r.output).toMatch(/NSBonjourServices must include _services\._dns-sd\._udp/);
  }, 60_000);
});
