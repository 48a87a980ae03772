/**
 * Runs in a lab namespace (through jiti, no build needed): `events [ipv4|ipv6]` prints one JSON line
 * per browser event with its time since start (until SIGTERM, then its stats);
 * `advertise NAME TYPE PORT HOST [TXT…]` publishes a service until SIGTERM, then says goodbye.
 */
import { MdnsAdvertiser } from '../mdnsAdvertiser';
import { MdnsBrowser } from '../mdnsBrowser';

async function main(argv: string[]): Promise<void> {
  const [mode, ...rest] = argv;
  if (mode === 'advertise') {
    // advertise NAME TYPE PORT HOST [TXT…]
    const [name, type, port, host, ...txt] = rest;
    const adv = new MdnsAdvertiser({ name: name!, type: type!, port: Number(port), host: host!, txt });
    const t0 = performance.now();
    const print = (event: string, payload: unknown): void => void process.stdout.write(`${JSON.stringify({ t: Math.round(performance.now() - t0), event, payload })}\n`);
    adv.on('renamed', (r) => print('renamed', r));
    adv.on('warning', (w) => print('warning', w));
    const stopped = new Promise<void>((resolve) => process.once('SIGTERM', resolve));
    print('published', await adv.start());
    await stopped;
    await adv.stop();
    print('stopped', null);
    return;
  }
  const families = rest.filter((a): a is 'ipv4' | 'ipv6' => a === 'ipv4' || a === 'ipv6');
  const browser = new MdnsBrowser(families.length ? { families } : {});
  const t0 = performance.now();
  const print = (event: string, payload: unknown): void => void process.stdout.write(`${JSON.stringify({ t: Math.round(performance.now() - t0), event, payload })}\n`);
  for (const kind of ['added', 'updated', 'removed'] as const) browser.on(kind, (i) => print(kind, i));
  browser.on('types', (t) => print('types', t));
  browser.on('warning', (w) => print('warning', w));
  const sockets = await browser.start();
  print('started', sockets);
  await new Promise<void>((resolve) => process.once('SIGTERM', resolve));
  await browser.stop();
  print('stats', browser.stats());
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`runBrowse: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
