// Gapscope deletes and overwrites only what it made (#12): each rule on real files in a temporary
// folder, through the contract, with the victim files checked byte for byte afterwards.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GapscopeApi } from '../../shared/contract';
import type { SessionRecord } from '../../shared/contract/sessions';
import { freeUdpPort } from '../testing/builtWorker';
import { fingerprint, libraryHarness } from './testing/libraryHarness';

const { tempDir, connect, sender, cleanUp } = libraryHarness('gs-rules-');
afterEach(cleanUp);

/** Sends count datagrams to the stream and waits until it has counted them all. */
async function sendSome(api: GapscopeApi, id: string, port: number, count: number): Promise<void> {
  sender(port)(count);
  await expect.poll(async () => (await api.getStreamState(id)).snapshot.totals.packets, { timeout: 20_000 }).toBe(count);
}

/** Records a small session into the library and returns its id. */
async function recordOne(api: GapscopeApi): Promise<string> {
  const port = await freeUdpPort();
  const info = await api.startStream({ port, address: '127.0.0.1' });
  const started = await api.startRecording();
  await sendSome(api, info.id, port, 20);
  await api.stopStream(info.id);
  await api.stopRecording();
  await api.removeStream(info.id);
  return started.sessionId!;
}

describe('deleting sessions', () => {
  it('deletes nothing in a folder Gapscope did not make, even one holding a session.json', async () => {
    const api = await connect();
    const folder = tempDir();
    await api.setSessionFolder(folder);
    // Someone's folder that happens to hold a file named session.json (and a valid-looking record).
    const important = join(folder, 'important');
    mkdirSync(join(important, 'sub'), { recursive: true });
    const record = { format: 'gapscope-session', version: 1, id: 'important', name: 'x', notes: '', created: 1, ended: 2, status: 'complete', owner: null, error: null, app: 'a', os: 'b', capture: 'capture.pcapng', streams: [], savedAt: 0 };
    writeFileSync(join(important, 'session.json'), JSON.stringify(record));
    writeFileSync(join(important, 'capture.pcapng'), 'not ours');
    writeFileSync(join(important, 'thesis.tex'), 'years of work');
    writeFileSync(join(important, 'sub', 'data.csv'), '1,2,3');
    const before = fingerprint(important);
    await expect(api.deleteSession('important')).rejects.toThrow('Folder important was not made by Gapscope (it has no .gapscope-session marker), so Gapscope deletes nothing in it; delete it yourself if you are sure.');
    expect(fingerprint(important)).toEqual(before);
  });

  it('refuses a session.json whose id is not its folder\'s, for reading, editing and deleting', async () => {
    const api = await connect();
    const folder = tempDir();
    await api.setSessionFolder(folder);
    const id = await recordOne(api);
    // A copy of a real session under another folder name: its record still says the first id.
    const copy = join(folder, 'copy');
    mkdirSync(copy);
    for (const f of readdirSync(join(folder, id))) writeFileSync(join(copy, f), readFileSync(join(folder, id, f)));
    const before = fingerprint(copy);
    const sentence = `The session.json in folder copy belongs to session "${id}", not to this folder; Gapscope leaves it alone.`;
    await expect(api.getSession('copy')).rejects.toThrow(sentence);
    await expect(api.annotateSession('copy', 'x')).rejects.toThrow(sentence);
    await expect(api.deleteSession('copy')).rejects.toThrow(sentence);
    expect(fingerprint(copy)).toEqual(before);
    // The original is untouched by all this, and listed once.
    expect((await api.listSessions()).map((s) => s.id)).toEqual([id]);
  });

  it('deletes only the files it made in its own session folder, and names what it left', async () => {
    const api = await connect();
    const folder = tempDir();
    await api.setSessionFolder(folder);
    const id = await recordOne(api);
    const dir = join(folder, id);
    expect(readdirSync(dir).sort()).toEqual(['.gapscope-session', 'capture.pcapng', 'session.json']);
    writeFileSync(join(dir, 'my-notes.txt'), 'keep me');
    mkdirSync(join(dir, 'screenshots'));
    writeFileSync(join(dir, 'screenshots', 'a.png'), 'png');
    const before = { notes: readFileSync(join(dir, 'my-notes.txt')), png: readFileSync(join(dir, 'screenshots', 'a.png')) };
    const answer = await api.deleteSession(id);
    expect(answer).toEqual({ id, removed: ['capture.pcapng', 'session.json'], kept: ['my-notes.txt', 'screenshots'] });
    expect(readFileSync(join(dir, 'my-notes.txt'))).toEqual(before.notes);
    expect(readFileSync(join(dir, 'screenshots', 'a.png'))).toEqual(before.png);
    expect(await api.listSessions()).toEqual([]);
    // A folder with only its own files is removed whole.
    const second = await recordOne(api);
    await expect(api.deleteSession(second)).resolves.toEqual({ id: second, removed: ['capture.pcapng', 'session.json'], kept: [] });
    expect(existsSync(join(folder, second))).toBe(false);
  });
});

describe('never overwriting a file Gapscope did not make', () => {
  it('refuses to record into an existing .pcapng or over an existing FILE.json, unless asked to overwrite', async () => {
    const api = await connect();
    const port = await freeUdpPort();
    await api.startStream({ port, address: '127.0.0.1' });
    const dir = tempDir();
    const file = join(dir, 'evidence.pcapng');
    writeFileSync(file, 'a capture someone kept');
    const other = join(dir, 'other.pcapng');
    writeFileSync(`${other}.json`, '{"mine": true}');
    const before = fingerprint(dir);
    await expect(api.startRecording({ file })).rejects.toThrow(`Cannot record: ${file} already exists; choose another name, or ask to overwrite it.`);
    await expect(api.startRecording({ file: other })).rejects.toThrow(`Cannot record: ${other}.json already exists; choose another name, or ask to overwrite it.`);
    expect(fingerprint(dir)).toEqual(before);
    expect((await api.getRecordingState()).recording).toBe(false);
    // Explicitly asked: replaced.
    await api.startRecording({ file, overwrite: true });
    await api.stopRecording();
    expect(readFileSync(file).readUInt32BE(0)).toBe(0x0a0d0d0a);
    expect((JSON.parse(readFileSync(`${file}.json`, 'utf8')) as SessionRecord).status).toBe('complete');
  });

  it('saves a session\'s capture only to a new file unless asked to overwrite, whole or a range', async () => {
    const api = await connect();
    const id = await recordOne(api);
    const dir = tempDir();
    const target = join(dir, 'export.pcapng');
    writeFileSync(target, 'the report for the customer');
    const before = fingerprint(dir);
    await expect(api.saveSessionCapture(id, null, target)).rejects.toThrow(`${target} already exists; choose another name, or ask to overwrite it.`);
    await expect(api.saveSessionCapture(id, { fromS: 0, toS: 1 }, target)).rejects.toThrow('already exists');
    expect(fingerprint(dir)).toEqual(before);
    const fresh = join(dir, 'new.pcapng');
    await expect(api.saveSessionCapture(id, null, fresh)).resolves.toMatchObject({ file: fresh });
    await expect(api.saveSessionCapture(id, { fromS: 0 }, join(dir, 'range.pcapng'))).resolves.toMatchObject({ packets: 20 });
    await expect(api.saveSessionCapture(id, null, target, { overwrite: true })).resolves.toMatchObject({ file: target });
    expect(readFileSync(target).readUInt32BE(0)).toBe(0x0a0d0d0a);
    // No temporary file is left beside them.
    expect(readdirSync(dir).sort()).toEqual(['export.pcapng', 'new.pcapng', 'range.pcapng']);
  });

  it('sets a sessions folder only in an existing folder, and persists nothing it refused', async () => {
    const dataDir = tempDir();
    const api = await connect(dataDir);
    const base = tempDir();
    const deep = join(base, 'a', 'b', 'c');
    await expect(api.setSessionFolder(deep)).rejects.toThrow(`${join(base, 'a', 'b')} does not exist: choose an existing folder, or a new folder inside one.`);
    expect(existsSync(join(base, 'a'))).toBe(false);
    expect(existsSync(join(dataDir, 'sessions-folder.json'))).toBe(false);
    await expect(api.setSessionFolder(join(base, 'new'))).resolves.toBe(join(base, 'new'));
    expect(readdirSync(join(base, 'new'))).toEqual([]); // the write probe is gone
  });

  it('refuses network paths and devices at the door', async () => {
    const api = await connect();
    await expect(api.setSessionFolder('\\\\server\\share\\sessions')).rejects.toThrow(/not a network path/);
    await expect(api.setSessionFolder('//server/share')).rejects.toThrow(/not a network path/);
    await expect(api.startRecording({ file: '/dev/sda.pcapng' })).rejects.toThrow(/must not be a device/);
    await expect(api.saveSessionCapture('x', null, 'C:\\\\Users\\\\me\\\\NUL.pcapng')).rejects.toThrow(/must not be a device/);
    await expect(api.setSessionFolder('/proc/self')).rejects.toThrow(/must not be a device/);
  });
});
