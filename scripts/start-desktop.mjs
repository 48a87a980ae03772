#!/usr/bin/env node
// `npm start`: opens the built app (`npm run build` first) in Electron. When the Electron runtime
// was never downloaded, says so in one paragraph, with the fix and the browser alternative,
// instead of Electron's stack trace.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const requireFromApp = createRequire(join(appDir, 'package.json'));

/** The Electron executable's path, or why there is none: 'not-installed' or 'not-downloaded'. */
function findElectron() {
  let binary;
  try {
    // The electron package's main module returns the path of the downloaded binary, and throws
    // when its install script never ran.
    binary = requireFromApp('electron');
  } catch (err) {
    const packageMissing = err?.code === 'MODULE_NOT_FOUND' && String(err.message).includes("'electron'");
    return { problem: packageMissing ? 'not-installed' : 'not-downloaded' };
  }
  if (typeof binary !== 'string' || !existsSync(binary)) return { problem: 'not-downloaded' };
  return { binary };
}

/** Wraps a paragraph for an 80-column terminal, never breaking inside a `command`. */
function wrap(text, width = 80) {
  const words = text.replace(/`[^`]*`/g, (command) => command.replaceAll(' ', '\u00a0')).split(/[ \t\n]+/);
  const lines = [];
  let line = '';
  for (const word of words) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.join('\n').replaceAll('\u00a0', ' ');
}

function explainMissingRuntime(problem) {
  const cause =
    problem === 'not-installed'
      ? 'the electron package is not installed (it is a development dependency, so run `npm install` in the project folder, without --omit=dev), and then its runtime must be downloaded too.'
      : 'the Electron runtime was never downloaded. That happens when `npm install` ran without internet access, or with ELECTRON_SKIP_BINARY_DOWNLOAD set, or because npm 11 does not run a dependency\'s install script until you approve it.';
  const skipNote = process.env.ELECTRON_SKIP_BINARY_DOWNLOAD ? ' ELECTRON_SKIP_BINARY_DOWNLOAD is set in this shell: unset it first.' : '';
  return (
    `Gapscope cannot open its desktop window: ${cause} To get the runtime, with internet access run ` +
    '`npm install-scripts approve electron && npm rebuild electron` (this records the approval in ' +
    'package.json and runs the download) or `node node_modules/electron/install.js`, then ' +
    `\`npm start\` again.${skipNote} Meanwhile the same interface runs without Electron: ` +
    '`npx gapscope serve` starts it in web mode; open the address it prints in your browser.'
  );
}

function main() {
  const found = findElectron();
  if (!found.binary) {
    console.error(wrap(explainMissingRuntime(found.problem)));
    return 1;
  }
  if (!existsSync(join(appDir, 'out', 'main', 'main.js'))) {
    console.error(wrap('Gapscope is not built yet: run `npm run build`, then `npm start` again.'));
    return 1;
  }

  // ELECTRON_RUN_AS_NODE would make the binary behave as plain Node and ignore the app.
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(found.binary, [appDir, ...process.argv.slice(2)], { stdio: 'inherit', env, windowsHide: false });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      if (child.exitCode === null) child.kill(signal);
    });
  }
  child.on('error', (err) => {
    console.error(wrap(`Gapscope could not start Electron (${found.binary}): ${err.message}`));
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  return null;
}

const status = main();
if (status !== null) process.exitCode = status;
