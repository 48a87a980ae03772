// The house rules that keep code by where it runs (docs/architecture.md), each checked against a
// deliberate slip so that a rule that stops working fails here instead of letting the slip through:
// no import circles in shared/ and renderer/ (type-only imports count), every Node built-in banned
// where no Node runs, ipcMain/ipcRenderer only in the two bindings, e2e/ outside the product, and
// the renderer's compiler project without Node's types.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

// Every import of a file (type-only ones too, re-exports too), resolved to a repo path.
function importsOf(file: string, options: ts.CompilerOptions): string[] {
  const info = ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true);
  const out: string[] = [];
  for (const ref of info.importedFiles) {
    if (!ref.fileName.startsWith('.')) continue;
    const r = ts.resolveModuleName(ref.fileName, join(ROOT, file), options, ts.sys).resolvedModule;
    if (r && !r.isExternalLibraryImport) out.push(relative(ROOT, r.resolvedFileName));
  }
  return out;
}

/** The import circles among the files (Tarjan's strongly connected components of two or more files, or a file importing itself). */
function circles(files: string[], options: ts.CompilerOptions): string[][] {
  return circlesIn(new Map(files.map((f) => [f, importsOf(f, options)])));
}

function circlesIn(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.sort());
    }
  };
  for (const f of graph.keys()) if (!idx.has(f)) visit(f);
  return found;
}

const webOptions = (): ts.CompilerOptions => {
  const cfg = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.web.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!cfg) throw new Error('tsconfig.web.json did not parse');
  return cfg.options;
};

describe('import circles', { timeout: 120_000 }, () => {
  it('finds circles when there are some (the checker itself works)', () => {
    const graph = new Map([['a', ['b']], ['b', ['c']], ['c', ['a', 'd']], ['d', []], ['e', ['e']]]);
    expect(circlesIn(graph)).toEqual([['a', 'b', 'c'], ['e']]);
    // and it reads type-only imports: uiSlice's only import of the reception view is `import type`
    expect(importsOf('renderer/store/uiSlice.ts', webOptions())).toContain('renderer/features/reception/chart/view.ts');
  });

  it('has none in shared/ and renderer/, type-only imports included', () => {
    const options = webOptions();
    const files = [...sourceFiles('shared'), ...sourceFiles('renderer')];
    expect(files.length).toBeGreaterThan(100);
    expect(circles(files, options)).toEqual([]);
  });
});

// ESLint and the TypeScript compiler load a lot on first use: seconds on a busy machine, not a timing under test.
describe('lint rules against deliberate slips', { timeout: 120_000 }, () => {
  const eslint = new ESLint({ cwd: ROOT });
  const messagesFor = async (code: string, file: string): Promise<string[]> => {
    const [r] = await eslint.lintText(code, { filePath: join(ROOT, file) });
    return (r?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
  };

  it.each([
    ['shared/probe.ts', "import { readFile } from 'fs/promises';\nexport const r = readFile;\n"],
    ['shared/probe.ts', "import { connect } from 'tls';\nexport const c = connect;\n"],
    ['shared/probe.ts', "import { Buffer } from 'buffer';\nexport const b = Buffer;\n"],
    ['renderer/probe.ts', "import { readFile } from 'node:fs/promises';\nexport const r = readFile;\n"],
    ['renderer/probe.ts', "import { createSocket } from 'dgram';\nexport const s = createSocket;\n"],
    ['renderer/probe.ts', "import { Worker } from 'worker_threads';\nexport const w = Worker;\n"],
  ])('refuses a Node built-in in %s: %s', async (file, code) => {
    expect((await messagesFor(code, file)).join('\n')).toMatch(/no-restricted-imports/);
  });

  it.each(['shared/probe.ts', 'renderer/probe.ts'])('refuses every Node built-in Node lists, bare and as node:*, in %s', async (file) => {
    const names = builtinModules.filter((m) => !m.startsWith('_'));
    const specifiers = [...names, ...names.filter((m) => !m.startsWith('node:')).map((m) => `node:${m}`)];
    const code = specifiers.map((m, i) => `import * as m${i} from '${m}';\nexport { m${i} };\n`).join('');
    const [r] = await eslint.lintText(code, { filePath: join(ROOT, file) });
    const refusedLines = new Set((r?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.line));
    const unrefused = specifiers.filter((_, i) => !refusedLines.has(2 * i + 1));
    expect(unrefused).toEqual([]);
  });

  it.each([
    "import { ipcMain as main } from 'electron';\nmain.handle('x', () => 1);\n",
    "import * as electron from 'electron';\nelectron.ipcMain.handle('x', () => 1);\n",
    "import electron from 'electron';\nconst { ipcMain } = electron;\nexport const m = ipcMain;\n",
  ])('refuses raw IPC outside the bindings: %s', async (code) => {
    expect((await messagesFor(code, 'electron/main/probe.ts')).join('\n')).toMatch(/no-restricted-syntax/);
  });

  it('lets the IPC binding use ipcMain', async () => {
    const code = "import { ipcMain } from 'electron';\nipcMain.handle('x', () => 1);\n";
    expect((await messagesFor(code, 'electron/main/ipcBinding.ts')).filter((m) => m.startsWith('no-restricted-syntax'))).toEqual([]);
  });

  it.each(["import { x } from '../shared/errors';\nexport const y = x;\n", "import { x } from '../electron/cli/index';\nexport const y = x;\n", "import { x } from '../renderer/format';\nexport const y = x;\n"])(
    'keeps e2e outside the product: %s',
    async (code) => {
      expect((await messagesFor(code, 'e2e/probe.spec.ts')).join('\n')).toMatch(/no-restricted-imports/);
    },
  );
});

describe("the renderer's compiler project", { timeout: 120_000 }, () => {
  it("has no Node types: a Node module or global in renderer/ does not compile", () => {
    const options = { ...webOptions(), noEmit: true };
    const probe = join(ROOT, 'renderer', '__layering_probe.ts');
    const host = ts.createCompilerHost(options);
    const read = host.readFile.bind(host);
    const exists = host.fileExists.bind(host);
    const source = "import { createSocket } from 'node:dgram';\nexport const s = createSocket;\nexport const b: Buffer | null = null;\nexport const p = process.pid;\n";
    host.readFile = (f) => (f === probe ? source : read(f));
    host.fileExists = (f) => f === probe || exists(f);
    const program = ts.createProgram([probe], options, host);
    const errors = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === probe).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(errors.some((m) => m.includes("'node:dgram'"))).toBe(true);
    expect(errors.some((m) => m.includes("'Buffer'"))).toBe(true);
    expect(errors.some((m) => m.includes("'process'"))).toBe(true);
    expect(dirname(probe)).toBe(join(ROOT, 'renderer'));
  });
});
