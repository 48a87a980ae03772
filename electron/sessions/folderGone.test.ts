// A vanished folder (#12): a session's folder removed while it records, and the sessions folder
// removed while the library lists it or before Record. Real files in a temporary folder, the whole
// back end through the contract, datagrams over loopback: the session ends failed with one sentence
// that says what happened, its counts are what the disk holds, the other sessions are untouched
// byte for byte, no temporary file is left and nothing crashes.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GapscopeApi } from '../../shared/contract';
import { freeUdpPort } from '../testing/builtWorker';
import { fingerprint, libraryHarness, until } from './testing/libraryHarness';

const { tempDir, connect, sender, cleanUp } = libraryHarness('gs-gone-');
afterEach(cleanUp);

/** Records `count` datagrams into a new library session and returns its id. */
async function recordOne(api: GapscopeApi, count: number): Promise<string> {
  const port = await freeUdpPort();
  const info = await api.startStream({ port, address: '127.0.0.1' });
  const started = await api.startRecording();
  sender(port)(count);
  await until(async () => (await api.getRecordingState()).streams[0]!.packets === count);
  await api.stopRecording();
  await api.removeStream(info.id);
  return started.sessionId!;
}

describe('a session folder removed while it records', () => {
  it('ends the session failed with the reason, counts nothing for a capture that went with it, and keeps the other sessions', { timeout: 30_000 }, async () => {
    const api = await connect();
    const folder = tempDir();
    await api.setSessionFolder(folder);
    const kept = await recordOne(api, 30);
    const keptBefore = fingerprint(join(folder, kept));

    const port = await freeUdpPort();
    const stream = await api.startStream({ port, address: '127.0.0.1' });
    const started = await api.startRecording({ name: 'doomed' });
    const id = started.sessionId!;
    const send = sender(port);
    send(40);
    await until(async () => (await api.getRecordingState()).streams[0]!.packets === 40);
    // Someone removes the session's folder while it records (a file manager, rm -r, a sync tool).
    rmSync(join(folder, id), { recursive: true, force: true });
    send(40);
    // The next save of session.json finds the folder gone: the recording ends by itself.
    const state = await until(async () => {
      const s = await api.getRecordingState();
      return !s.recording && s.ended ? s : null;
    });
    const sentence = `the folder of ${join(folder, id, 'session.json')} does not exist (was it removed or unmounted?)`;
    expect(state.error?.message).toContain(sentence);
    expect(state.ended).toMatchObject({ sessionId: id, status: 'failed' });
    expect(state.ended!.streams.map((s) => s.packets)).toEqual([0]); // what the disk holds of it: nothing
    // The stream itself goes on: it counted everything.
    expect((await api.getStreamState(stream.id)).snapshot.totals.packets).toBe(80);

    // Later calls on it each give one sentence; nothing was made again in its place.
    await expect(api.getSession(id)).rejects.toThrow(`No session ${id} in the sessions folder.`);
    await expect(api.openSession(id)).rejects.toThrow(`No session ${id} in the sessions folder.`);
    await expect(api.renameSession(id, 'x')).rejects.toThrow(`No session ${id} in the sessions folder.`);
    await expect(api.deleteSession(id)).rejects.toThrow(`No session ${id} in the sessions folder.`);
    await expect(api.saveSessionCapture(id, null, join(tempDir(), 'out.pcapng'))).rejects.toThrow(/No session/);
    expect(existsSync(join(folder, id))).toBe(false);
    // The other session is listed and untouched; no temporary file anywhere.
    expect((await api.listSessions()).map((s) => [s.id, s.status, s.packets])).toEqual([[kept, 'complete', 30]]);
    expect(fingerprint(join(folder, kept))).toEqual(keptBefore);
    expect(readdirSync(folder)).toEqual([kept]);
    // Recording again works, in the same folder.
    const again = await api.startRecording();
    send(10);
    await until(async () => (await api.getRecordingState()).streams[0]!.packets === 10);
    await expect(api.stopRecording()).resolves.toMatchObject({ recording: false, error: null });
    expect((await api.listSessions()).map((s) => s.id)).toEqual([again.sessionId, kept]);
  });
});

describe('the sessions folder removed', () => {
  it('while idle: listing, opening and Record say the folder is gone instead of an empty list, and nothing is made again until the user chooses', { timeout: 30_000 }, async () => {
    const dataDir = tempDir();
    const api = await connect(dataDir);
    const parent = tempDir();
    const folder = join(parent, 'sessions');
    await api.setSessionFolder(folder);
    const id = await recordOne(api, 20);
    rmSync(folder, { recursive: true, force: true });
    const gone = `The sessions folder ${folder} is gone (was it removed or unmounted?)`;
    await expect(api.listSessions()).rejects.toThrow(gone);
    await expect(api.openSession(id)).rejects.toThrow(gone);
    await api.startStream({ port: await freeUdpPort(), address: '127.0.0.1' });
    await expect(api.startRecording()).rejects.toThrow(gone);
    expect(existsSync(folder)).toBe(false);
    await expect(api.getSessionFolder()).resolves.toBe(folder);
    // Choosing it again (or another) makes it anew, empty.
    await expect(api.setSessionFolder(folder)).resolves.toBe(folder);
    await expect(api.listSessions()).resolves.toEqual([]);
  });

  it('while recording: the session ends failed with the reason, and the library then says the folder is gone', { timeout: 30_000 }, async () => {
    const api = await connect();
    const parent = tempDir();
    const folder = join(parent, 'sessions');
    await api.setSessionFolder(folder);
    const port = await freeUdpPort();
    await api.startStream({ port, address: '127.0.0.1' });
    const started = await api.startRecording();
    const send = sender(port);
    send(25);
    await until(async () => (await api.getRecordingState()).streams[0]!.packets === 25);
    rmSync(folder, { recursive: true, force: true });
    send(25);
    const state = await until(async () => {
      const s = await api.getRecordingState();
      return !s.recording && s.ended ? s : null;
    });
    expect(state.error?.message).toContain(`the folder of ${join(folder, started.sessionId!, 'session.json')} does not exist (was it removed or unmounted?)`);
    expect(state.ended!.streams.map((s) => s.packets)).toEqual([0]);
    await expect(api.listSessions()).rejects.toThrow(`The sessions folder ${folder} is gone (was it removed or unmounted?)`);
    expect(existsSync(folder)).toBe(false);
  });
});
