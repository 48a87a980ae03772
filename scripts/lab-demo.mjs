#!/usr/bin/env node
// `sudo npm run lab:demo`: the field case to look at by hand, safely. A device namespace sends
// 512-byte datagrams at 1000/s to the inspector namespace, where nftables lets 128 KiB through and
// then drops until a reset every 250–450 ms ("stops after every ~128 KB"); Gapscope's web mode
// runs in the inspector namespace. Nothing leaves the two namespaces; Ctrl+C deletes them.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const SUBNET = 30;
const PORT = 4000;
const load = async (file) => (await runnerImport(join(REPO, 'lab', file))).module;

async function main() {
  if (process.getuid?.() !== 0) throw new Error('the lab creates network namespaces: run as root (sudo npm run lab:demo)');
  const [{ createLabPair }, { startSender }, { Impairments }] = await Promise.all([load('netns.ts'), load('streams.ts'), load('nft.ts')]);
  const pair = await createLabPair({ subnet: SUBNET });
  const stop = async () => {
    await pair.teardown();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const imp = await Impairments.install(pair.inspector, { port: PORT });
  const quota = await imp.startQuota(131_072, [250, 450]);
  const server = pair.inspector.spawn('node', [join(REPO, 'bin', 'gapscope.js'), 'serve', '--json'], { cwd: REPO });
  const line = await server.waitForLine(/"url"/, 15_000);
  const { url } = JSON.parse(line);
  startSender(pair.device, { to: `${pair.inspector.ipv4}:${PORT}`, pps: 1000, size: 512, durationS: 24 * 3600 });
  process.stdout.write(
    [
      `Lab up: device ${pair.device.ns} (${pair.device.ipv4}) sends to ${pair.inspector.ipv4}:${PORT}; the 128 KiB quota is on.`,
      `Gapscope web mode in ${pair.inspector.ns}: ${url}`,
      `Open it with a browser inside the namespace, e.g.:`,
      `  sudo ip netns exec ${pair.inspector.ns} chromium --no-sandbox --user-data-dir=$(mktemp -d) '${url}'`,
      `Then listen on port ${PORT}. Or from a shell: sudo ip netns exec ${pair.inspector.ns} node bin/gapscope.js listen --port ${PORT}`,
      'Ctrl+C stops everything and deletes the namespaces.',
      '',
    ].join('\n'),
  );
  void quota;
}

main().catch((e) => {
  process.stderr.write(`lab-demo: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
