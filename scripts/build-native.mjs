#!/usr/bin/env node
// npm's install step: builds the batch-receive addon (native/recv-batch, recvmmsg through
// node-api) from source with node-gyp, on Linux only. It is optional: when it cannot be built (no
// compiler, no Python, another OS) the install goes on and the receiver reads its socket through
// Node's dgram, one datagram per call, as it always could. Run again by hand with
// `node scripts/build-native.mjs`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('../native/recv-batch/', import.meta.url));
const say = (line) => process.stderr.write(`gapscope: ${line}\n`);

if (process.platform !== 'linux') {
  say(`batch receive (recvmmsg) is Linux-only; on ${process.platform} the receiver reads one datagram per call.`);
  process.exit(0);
}

/** npm tells its scripts where its own node-gyp is; otherwise the one installed beside npm. */
function nodeGyp() {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return fromNpm;
  try {
    const npmDir = dirname(createRequire(import.meta.url).resolve('npm/package.json', { paths: [join(dirname(process.execPath), '..', 'lib', 'node_modules')] }));
    const p = join(npmDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    if (existsSync(p)) return p;
  } catch {
    // No npm beside this node.
  }
  return null;
}

const gyp = nodeGyp();
if (!gyp) {
  say('node-gyp not found: batch receive is not built; the receiver reads one datagram per call.');
  process.exit(0);
}
// Outside npm, node-gyp does not see npm's nodedir setting (where Node's headers are); pass it on.
const nodedir = process.env.npm_config_nodedir ?? spawnSync('npm', ['config', 'get', 'nodedir'], { encoding: 'utf8' }).stdout?.trim();
const args = [gyp, 'rebuild', ...(nodedir && nodedir !== 'undefined' && nodedir !== 'null' ? [`--nodedir=${nodedir}`] : [])];
const r = spawnSync(process.execPath, args, { cwd: DIR, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
if (r.status === 0 && existsSync(join(DIR, 'build', 'Release', 'recv_batch.node'))) say('batch receive (recvmmsg) built.');
else say(`batch receive could not be built (the receiver reads one datagram per call):\n${(r.stderr ?? String(r.error)).split('\n').filter((l) => /ERR!|error/.test(l)).slice(0, 8).join('\n')}`);
