#!/usr/bin/env node
// The `gapscope` command: runs the built back end (out/main/cli.js) in plain Node.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const cli = join(__dirname, '..', 'out', 'main', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write('gapscope: the app is not built yet. Run `npm run build` in the Gapscope folder, then try again.\n');
  process.exit(1);
}
require(cli).main(process.argv);
