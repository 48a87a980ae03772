// The library's view of a session's extras: an interrupted session recounts its mDNS datagrams and
// events from the capture, including a link whose interface was described after the last save of
// session.json; old session.json files without extras still list.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SessionRecord } from '../../shared/contract/sessions';
import { interfaceDescriptionBlock, sectionHeaderBlock } from '../../shared/pcapng/write';
import { mdnsDatagramBlock, mdnsInterfaceBlock, timelineEventBlock, timelineInterfaceBlock } from '../../shared/pcapng/writeExtras';
import { SessionLibrary, recountExtras } from './sessionLibrary';

const dir = mkdtempSync(join(tmpdir(), 'gs-lib-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function record(id: string, over: Partial<SessionRecord>): SessionRecord {
  return { format: 'gapscope-session', version: 1, id, name: id, notes: '', created: 1_795_000_000_000, ended: null, status: 'recording', owner: null, error: null, app: 'Gapscope test', os: 'linux', capture: 'capture.pcapng', streams: [], savedAt: 0, ...over };
}

describe('session extras in the library', () => {
  it('recounts an interrupted session\'s events and mDNS datagrams from its capture, links described after the last save included', () => {
    const lib = new SessionLibrary(dir);
    const id = 'killed-with-extras';
    mkdirSync(lib.dir(id));
    const at = 1_795_000_000_000;
    const event = { id: 1, at, source: 'bonjour' as const, kind: 'service-added', severity: 'info' as const, summary: 'x appeared' };
    const mdns = { at, source: '10.98.50.1', port: 5353, data: new Uint8Array(12) };
    const blocks = [
      sectionHeaderBlock({ userAppl: 'Gapscope test' }),
      interfaceDescriptionBlock({ name: 'gapscope stream s1', tsresol: 6 }),
      timelineInterfaceBlock(),
      mdnsInterfaceBlock('vins'),
      mdnsDatagramBlock(2, mdns)!,
      timelineEventBlock(1, event),
      // A second link whose interface session.json never heard of.
      mdnsInterfaceBlock('wlan0'),
      mdnsDatagramBlock(3, mdns)!,
      mdnsDatagramBlock(3, mdns)!,
    ];
    writeFileSync(join(lib.dir(id), 'capture.pcapng'), Buffer.concat(blocks));
    const dead = spawnSync('true').pid!;
    const extras = { timelineInterfaceId: 1, mdnsInterfaces: [{ interfaceId: 2, iface: 'vins' }], mdnsPackets: 0, dnsInterfaceId: null, dnsPackets: 0, events: 0, eventsSeen: 1, notRecorded: 0, bytesWritten: 0 };
    lib.write(id, record(id, { owner: { pid: dead, host: hostname() }, extras, events: [event] }));
    const [s] = lib.list(new Set());
    expect(s).toMatchObject({ id, status: 'interrupted', events: 1, mdnsPackets: 3 });
    expect(lib.read(id).extras).toMatchObject({ events: 1, mdnsPackets: 3 });
  });

  it('lists a session recorded before extras existed without event counts', () => {
    const lib = new SessionLibrary(join(dir, 'old'));
    mkdirSync(lib.dir('old-one'), { recursive: true });
    lib.write('old-one', record('old-one', { status: 'complete', ended: 1_795_000_001_000 }));
    const [s] = lib.list(new Set());
    expect(s!.events).toBeUndefined();
    expect(s!.mdnsPackets).toBeUndefined();
  });

  it('counts events on the timeline interface, DNS on its own and mDNS on every other interface after them', () => {
    const extras = { timelineInterfaceId: 2, mdnsInterfaces: [], mdnsPackets: 0, dnsInterfaceId: 3, dnsPackets: 0, events: 0, eventsSeen: 0, notRecorded: 0, bytesWritten: 0 };
    recountExtras(extras, [10, 20, 3, 4, 5]);
    expect(extras).toMatchObject({ events: 3, dnsPackets: 4, mdnsPackets: 5 });
  });
});
