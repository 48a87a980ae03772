#!/usr/bin/env node
// `npm test`: every check CI runs, in order: lint (with the layering rules), type-check, build,
// unit tests, lab integration tests (network namespaces: root), end-to-end tests (web mode in
// Chromium inside a lab namespace), the agent's container built and run (Docker, root). Ends with
// one line "tests: N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const results = mkdtempSync(join(tmpdir(), 'gapscope-test-'));
let passed = 0;
let failed = 0;
const failures = [];

function step(name, cmd, args, env = {}) {
  process.stdout.write(`\n=== ${name}: ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) failures.push(name);
  return r.status === 0;
}

function countVitest(file) {
  if (!existsSync(file)) return;
  const j = JSON.parse(readFileSync(file, 'utf8'));
  passed += j.numPassedTests ?? 0;
  failed += (j.numFailedTests ?? 0) + (j.numTotalTests === 0 ? 1 : 0);
}

function countPlaywright(file) {
  if (!existsSync(file)) return;
  const s = JSON.parse(readFileSync(file, 'utf8')).stats ?? {};
  passed += s.expected ?? 0;
  failed += (s.unexpected ?? 0) + (s.flaky ?? 0);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

step('lint', npx, ['eslint', '.', '--max-warnings=0']);
step('type-check', npx, ['tsc', '-b', 'tsconfig.json']);
const built = step('build', npx, ['electron-vite', 'build']);
step('packaging config', process.execPath, ['build/check-builder-config.mjs']);
const vitestJson = (name) => ['--reporter=default', '--reporter=json', `--outputFile.json=${join(results, `${name}.json`)}`];
step('unit tests', npx, ['vitest', 'run', '--project', 'unit', ...vitestJson('unit')]);
countVitest(join(results, 'unit.json'));
if (!isRoot) {
  process.stdout.write('\nLab and end-to-end tests create network namespaces and need root: run `sudo npm test` (or `bash .ci/run`).\n');
  failures.push('lab tests (not root)', 'end-to-end tests (not root)');
  failed += 2;
} else if (built) {
  step('lab tests', npx, ['vitest', 'run', '--project', 'lab', ...vitestJson('lab')]);
  countVitest(join(results, 'lab.json'));
  step('end-to-end tests', npx, ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: join(results, 'e2e.json'), GSE2E_SKIP_BUILD: '1' });
  countPlaywright(join(results, 'e2e.json'));
  // The agent's container recipe, built and run for real (scripts/check-container.mjs): one test.
  if (step('container recipe', process.execPath, ['scripts/check-container.mjs'])) passed += 1;
  else failed += 1;
}

if (failures.length) process.stdout.write(`\nFailed steps: ${failures.join(', ')}\n`);
process.stdout.write(`\ntests: ${passed} passed, ${failed} failed\n`);
process.exit(failures.length ? 1 : 0);
