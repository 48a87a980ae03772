// The back end's shape, checked on the source: the kernel holds no feature code, and features
// reach each other only in one direction (or through what createBackend hands over).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const electronDir = resolve(__dirname, '..');

/** Every electron/ folder a source file in `folder` imports from (type-only imports included). */
function importedFolders(folder: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const dir = join(electronDir, folder);
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    if (!name.endsWith('.ts') || name.endsWith('.test.ts') || name.split(/[\\/]/).includes('testing')) continue;
    const file = join(dir, name);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)) {
      const spec = m[1] ?? m[2]!;
      if (!spec.startsWith('.')) continue;
      const target = relative(electronDir, resolve(dirname(file), spec));
      if (target.startsWith('..')) continue; // shared/
      const top = target.split(/[\\/]/)[0]!;
      if (top === folder) continue;
      found.set(top, [...(found.get(top) ?? []), relative(electronDir, file)]);
    }
  }
  return found;
}

describe('back-end layout', () => {
  it('the kernel imports no feature folder', () => {
    expect([...importedFolders('kernel').keys()]).toEqual([]);
  });

  it('reception does not import sessions; sessions may use reception (one direction)', () => {
    expect(importedFolders('reception').get('sessions') ?? []).toEqual([]);
    expect([...importedFolders('sessions').keys()].sort()).toEqual(['capture', 'kernel', 'reception']);
  });

  it('no feature finds another through a module-level registry: createBackend hands each what it needs', () => {
    for (const folder of ['reception', 'sessions', 'capture']) {
      for (const files of importedFolders(folder).values()) for (const f of files) expect(readFileSync(join(electronDir, f), 'utf8')).not.toMatch(/new WeakMap<BackendEventListener/);
    }
    expect(readFileSync(join(electronDir, 'reception', 'receptionService.ts'), 'utf8')).not.toMatch(/WeakMap/);
  });
});
