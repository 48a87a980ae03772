/**
 * Runs in a lab namespace (through jiti, no build needed): `events [ipv4|ipv6] [poll=MS] [iface=NAME] [types=A,B]`
 * prints one JSON line per browser event with its time since start (until SIGTERM, then its stats);
 * `advertise NAME TYPE PORT HOST [TXT…]` publishes a service until SIGTERM, then says goodbye (set
 * GS_ADV_IFACE to publish on one interface, GS_ADV_AT to an epoch ms to start then);
 * `service` runs the app's BonjourService: each contract event and timeline post is a JSON line,
 * and each JSON line on stdin ({"id", "method", "args"}) is a request, answered by a "reply" line.
 */
import { createInterface } from 'node:readline';
import type { RequestName } from '../../../shared/contract';
import { validateArgs } from '../../../shared/rpc/dispatcher';
import { TimelineLog } from '../../kernel/timeline';
import { BonjourService } from '../bonjourService';
import { MdnsAdvertiser } from '../mdnsAdvertiser';
import { MdnsBrowser } from '../mdnsBrowser';
import { ServiceCache, type ServiceCacheLimits } from '../../../shared/mdns/serviceCache';

// GS_SOURCE_RATE=BURST,PER_SEC lowers the cache's per-source allowance, so that a lab flood is over
// it however slowly a loaded machine lets the browser read (the defaults are 2000 and 1000/s).
const rate = /^(\d+),(\d+)$/.exec(process.env.GS_SOURCE_RATE ?? '');
const cacheLimits: Partial<ServiceCacheLimits> = rate ? { sourceBurst: Number(rate[1]), sourceRecordsPerSec: Number(rate[2]) } : {};

async function service(): Promise<void> {
  const t0 = performance.now();
  const print = (event: string, payload: unknown): void => void process.stdout.write(`${JSON.stringify({ t: Math.round(performance.now() - t0), event, payload })}\n`);
  const timeline = new TimelineLog();
  timeline.subscribe((e) => print('timeline', e));
  const svc = new BonjourService({ emit: (name, payload) => print(name, payload), timeline }, { interfacePollMs: Number(process.env.GS_POLL_MS ?? 3000), cacheLimits });
  if (process.env.GS_PRINT_DATAGRAMS === '1') svc.subscribePackets((d) => print('datagram', { iface: d.iface, family: d.family, source: d.source, port: d.port, bytes: d.data.length, head: d.data.subarray(0, 4).toString('hex') }));
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const req = JSON.parse(line) as { id: number; method: string; args: unknown[] };
    const call = async (): Promise<unknown> => {
      // Checked at the door, as the dispatcher does for the UI.
      req.args = validateArgs(req.method as RequestName, req.args);
      switch (req.method) {
        case 'startBrowse':
          return svc.startBrowse(req.args[0] as Parameters<BonjourService['startBrowse']>[0]);
        case 'stopBrowse':
          return svc.stopBrowse();
        case 'listServices':
          return svc.snapshot();
        case 'getServiceDetails':
          return svc.details(req.args[0] as string);
        case 'advertiseService':
          return svc.advertise(req.args[0] as Parameters<BonjourService['advertise']>[0]);
        case 'withdrawService':
          return svc.withdraw(req.args[0] as string);
        default:
          throw new Error(`unknown method ${req.method}`);
      }
    };
    call().then(
      (value) => print('reply', { id: req.id, ok: true, value: value ?? null }),
      (e: unknown) => print('reply', { id: req.id, ok: false, error: e instanceof Error ? e.message : String(e) }),
    );
  });
  print('ready', null);
  await new Promise<void>((resolve) => process.once('SIGTERM', resolve));
  lines.close();
  await svc.close();
  print('stopped', null);
}

async function main(argv: string[]): Promise<void> {
  const [mode, ...rest] = argv;
  if (mode === 'service') return service();
  if (mode === 'advertise') {
    // advertise NAME TYPE PORT HOST [TXT…]
    const [name, type, port, host, ...txt] = rest;
    const adv = new MdnsAdvertiser({ name: name!, type: type!, port: Number(port), host: host!, txt }, { iface: process.env.GS_ADV_IFACE || undefined });
    // Two advertisers started at one instant probe at once (RFC 6762 §8.2).
    const at = Number(process.env.GS_ADV_AT ?? 0);
    if (at > Date.now()) await new Promise((r) => setTimeout(r, at - Date.now()));
    const t0 = performance.now();
    const print = (event: string, payload: unknown): void => void process.stdout.write(`${JSON.stringify({ t: Math.round(performance.now() - t0), event, payload })}\n`);
    adv.on('renamed', (r) => print('renamed', r));
    adv.on('deferred', (r) => print('deferred', r));
    adv.on('warning', (w) => print('warning', w));
    const stopped = new Promise<void>((resolve) => process.once('SIGTERM', resolve));
    print('published', await adv.start());
    await stopped;
    await adv.stop();
    print('stopped', null);
    return;
  }
  const families = rest.filter((a): a is 'ipv4' | 'ipv6' => a === 'ipv4' || a === 'ipv6');
  const poll = rest.find((a) => a.startsWith('poll='));
  const iface = rest.find((a) => a.startsWith('iface='));
  const types = rest.find((a) => a.startsWith('types='));
  const browser = new MdnsBrowser({
    cache: new ServiceCache(cacheLimits),
    ...(families.length ? { families } : {}),
    ...(poll ? { interfacePollMs: Number(poll.slice(5)) } : {}),
    ...(iface ? { iface: iface.slice(6) } : {}),
    ...(types ? { types: types.slice(6).split(',') } : {}),
  });
  const t0 = performance.now();
  const print = (event: string, payload: unknown): void => void process.stdout.write(`${JSON.stringify({ t: Math.round(performance.now() - t0), event, payload })}\n`);
  for (const kind of ['added', 'updated', 'removed'] as const) browser.on(kind, (i) => print(kind, i));
  browser.on('types', (t) => print('types', t));
  browser.on('sockets', (s) => print('sockets', s));
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
