import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afterPack, appExecutables, executableUuid, stampAppUuids } from './after-pack.mjs';
import { MachOError, readSlices, rewriteUuids, uuidV5 } from './macho.mjs';

const here = dirname(fileURLToPath(import.meta.url));
// A universal (x86_64 + arm64) bundle, MIT; UUIDs as llvm-objdump --macho --private-headers prints them (fixtures/macho/SOURCES.md).
const fseventsFile = join(here, 'fixtures', 'macho', 'fsevents-2.3.3.node');
const FSEVENTS_UUIDS = ['21FE384C-8FBC-38BA-BA62-29B60297AEA6', 'E10724D6-E09D-3887-B63D-1D77DAFA1B15'];
// Thin executables from the registry's 7zip-bin 5.2.0 (mac/arm64/7za and mac/x64/7za), fetched with npm pack below.
const SEVENZA_ARM64_SHA256 = '6f4dd78a82cf574f49118d99be620fd3edcfa9e48971d8523816b7ed20419c47';
const SEVENZA_ARM64_UUID = '3338E2E1-D054-35C1-8015-8E6CBEDCB797';
const SEVENZA_X64_UUID = '93DB3467-E57E-3AE2-86C6-44ABF3E8A450';

let work: string;
let sevenZa: { arm64: Buffer; x64: Buffer };

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'gapscope-macho-'));
  // The registry's package, checked by npm against its integrity hash; its file against ours.
  execFileSync('npm', ['pack', '7zip-bin@5.2.0', '--pack-destination', work, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync('tar', ['xzf', join(work, '7zip-bin-5.2.0.tgz'), '-C', work, 'package/mac']);
  sevenZa = { arm64: readFileSync(join(work, 'package/mac/arm64/7za')), x64: readFileSync(join(work, 'package/mac/x64/7za')) };
  expect(createHash('sha256').update(sevenZa.arm64).digest('hex')).toBe(SEVENZA_ARM64_SHA256);
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The offsets where two equally long files differ. */
function changedOffsets(a: Uint8Array, b: Uint8Array): number[] {
  expect(b.byteLength).toBe(a.byteLength);
  const out: number[] = [];
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) out.push(i);
  return out;
}

/** Every offset a UUID rewrite may touch: the 16 bytes of each slice's LC_UUID. */
function uuidBytes(slices: { uuidOffset: number | null }[]): Set<number> {
  return new Set(slices.flatMap((s) => Array.from({ length: 16 }, (_, i) => s.uuidOffset! + i)));
}

describe('readSlices', () => {
  it('reads both slices of a real universal binary and their UUIDs', () => {
    const slices = readSlices(readFileSync(fseventsFile));
    expect(slices.map((s) => [s.cpu, s.bits, s.littleEndian, s.uuid])).toEqual([
      ['x86_64', 64, true, FSEVENTS_UUIDS[0]],
      ['arm64', 64, true, FSEVENTS_UUIDS[1]],
    ]);
    expect(slices[1]!.offset).toBeGreaterThan(slices[0]!.offset);
  });

  it('reads a real thin executable of each Apple CPU', () => {
    expect(readSlices(sevenZa.arm64).map((s) => [s.cpu, s.offset, s.uuid])).toEqual([['arm64', 0, SEVENZA_ARM64_UUID]]);
    expect(readSlices(sevenZa.x64).map((s) => [s.cpu, s.uuid])).toEqual([['x86_64', SEVENZA_X64_UUID]]);
  });

  it('reads a big-endian slice (a PowerPC-style byte order) at the same place', () => {
    // The real arm64 executable with its header and load-command headers byte-swapped, as a big-endian image lays them out.
    const swapped = Buffer.from(sevenZa.arm64);
    const le = readSlices(sevenZa.arm64)[0]!;
    for (const at of [0, 4, 8, 12, 16, 20, 24, 28]) swapped.writeUInt32BE(sevenZa.arm64.readUInt32LE(at), at);
    const ncmds = sevenZa.arm64.readUInt32LE(16);
    for (let i = 0, at = 32; i < ncmds; i++) {
      const cmdsize = sevenZa.arm64.readUInt32LE(at + 4);
      swapped.writeUInt32BE(sevenZa.arm64.readUInt32LE(at), at);
      swapped.writeUInt32BE(cmdsize, at + 4);
      at += cmdsize;
    }
    const be = readSlices(swapped)[0]!;
    expect([be.littleEndian, be.cpu, be.uuid, be.uuidOffset]).toEqual([false, 'arm64', SEVENZA_ARM64_UUID, le.uuidOffset]);
  });

  it('refuses what is not a Mach-O binary, or is cut short, in words', () => {
    expect(() => readSlices(Buffer.from('#!/bin/sh\necho hi\n'))).toThrow(/not a Mach-O binary \(magic 0x2321/);
    expect(() => readSlices(sevenZa.arm64.subarray(0, 200))).toThrow(MachOError);
    const fat = readFileSync(fseventsFile);
    expect(() => readSlices(fat.subarray(0, 20_000))).toThrow(/past the end of the file/);
    const javaClass = Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0x00, 0x00, 0x00, 0x34]);
    expect(() => readSlices(javaClass)).toThrow(/Java class/);
  });
});

describe('rewriteUuids', () => {
  it('changes a real universal binary\'s two UUIDs and no other byte', () => {
    const before = readFileSync(fseventsFile);
    const wanted: Record<string, string> = { x86_64: '11111111-2222-4333-8444-555555555555', arm64: '66666666-7777-4888-9999-AAAAAAAAAAAA' };
    const { bytes, slices } = rewriteUuids(before, (s) => wanted[s.cpu]!);
    expect(readSlices(bytes).map((s) => s.uuid)).toEqual([wanted.x86_64, wanted.arm64]);
    expect(slices.map((s) => [s.uuid, s.newUuid])).toEqual([[FSEVENTS_UUIDS[0], wanted.x86_64], [FSEVENTS_UUIDS[1], wanted.arm64]]);
    const allowed = uuidBytes(slices);
    const changed = changedOffsets(before, bytes);
    expect(changed.length).toBeGreaterThan(16);
    expect(changed.filter((o) => !allowed.has(o))).toEqual([]);
    expect(readFileSync(fseventsFile).equals(before)).toBe(true); // the input is not touched
  });

  it('changes a real thin executable\'s UUID and no other byte', () => {
    const { bytes, slices } = rewriteUuids(sevenZa.arm64, () => '0F0E0D0C-0B0A-4908-8706-050403020100');
    expect(readSlices(bytes)[0]!.uuid).toBe('0F0E0D0C-0B0A-4908-8706-050403020100');
    expect(changedOffsets(sevenZa.arm64, bytes).filter((o) => !uuidBytes(slices).has(o))).toEqual([]);
  });

  it('refuses a slice with no LC_UUID, and two slices with one UUID', () => {
    const fat = readFileSync(fseventsFile);
    expect(() => rewriteUuids(fat, () => '0F0E0D0C-0B0A-4908-8706-050403020100')).toThrow(/same UUID/);
    // The real arm64 executable with its LC_UUID turned into another (unknown) command number.
    const noUuid = Buffer.from(sevenZa.arm64);
    noUuid.writeUInt32LE(0x7fff, readSlices(sevenZa.arm64)[0]!.uuidOffset! - 8);
    expect(() => rewriteUuids(noUuid, () => '0F0E0D0C-0B0A-4908-8706-050403020100')).toThrow(/arm64 slice has no LC_UUID/);
    expect(() => rewriteUuids(sevenZa.arm64, () => 'not-a-uuid')).toThrow(/is not a UUID/);
  });
});

describe('uuidV5', () => {
  it('gives RFC 9562\'s own example (DNS namespace, www.example.com)', () => {
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe('2ED6657D-E927-568B-95E1-2665A8AEA6A2');
  });
});

describe('the afterPack hook', () => {
  /** A packed .app as electron-builder lays it out, its executables real Mach-O files. */
  function packedApp(): { outDir: string; app: string } {
    const outDir = mkdtempSync(join(work, 'mac-arm64-'));
    const app = join(outDir, 'Gapscope.app');
    const put = (rel: string, bytes: Buffer) => {
      mkdirSync(dirname(join(app, rel)), { recursive: true });
      writeFileSync(join(app, rel), bytes, { mode: 0o755 });
    };
    put('Contents/MacOS/Gapscope', sevenZa.arm64);
    for (const h of ['Gapscope Helper', 'Gapscope Helper (GPU)', 'Gapscope Helper (Renderer)', 'Gapscope Helper (Plugin)']) put(`Contents/Frameworks/${h}.app/Contents/MacOS/${h}`, sevenZa.arm64);
    put('Contents/Frameworks/Electron Framework.framework/Electron Framework', sevenZa.arm64); // a framework: not an executable we stamp
    writeFileSync(join(app, 'Contents', 'Info.plist'), '<plist/>');
    return { outDir, app };
  }

  it('stamps the main executable and each helper with its own stable UUID; nothing else changes', async () => {
    const { outDir, app } = packedApp();
    const context = { appOutDir: outDir, electronPlatformName: 'darwin', packager: { appInfo: { productFilename: 'Gapscope', id: 'io.gapscope.app', version: '0.1.0' } } };
    await afterPack(context);
    const files = appExecutables(app);
    expect(files).toHaveLength(5);
    const uuids = files.map((f) => readSlices(readFileSync(f))[0]!.uuid);
    expect(uuids[0]).toBe(executableUuid({ appId: 'io.gapscope.app', version: '0.1.0' }, 'Contents/MacOS/Gapscope', 'arm64'));
    expect(new Set([...uuids, SEVENZA_ARM64_UUID]).size).toBe(6);
    for (const f of files) {
      expect(changedOffsets(sevenZa.arm64, readFileSync(f)).filter((o) => !uuidBytes(readSlices(sevenZa.arm64)).has(o))).toEqual([]);
      expect(statSync(f).mode & 0o777).toBe(0o755);
    }
    expect(readFileSync(join(app, 'Contents/Frameworks/Electron Framework.framework/Electron Framework')).equals(sevenZa.arm64)).toBe(true);

    // The same build again gives the same UUIDs; another version or app id gives others.
    const again = packedApp();
    expect(stampAppUuids(again.app, { appId: 'io.gapscope.app', version: '0.1.0' }).map((c) => c.to)).toEqual(uuids);
    const next = packedApp();
    const nextUuids = stampAppUuids(next.app, { appId: 'io.gapscope.app', version: '0.2.0' }).map((c) => c.to);
    expect(nextUuids.filter((u) => uuids.includes(u))).toEqual([]);
    expect(executableUuid({ appId: 'io.other.app', version: '0.1.0' }, 'Contents/MacOS/Gapscope', 'arm64')).not.toBe(uuids[0]);
  });

  it('leaves Windows and Linux builds alone, and says so when a .app has no executable', async () => {
    const { outDir, app } = packedApp();
    await afterPack({ appOutDir: outDir, electronPlatformName: 'win32', packager: { appInfo: { productFilename: 'Gapscope', id: 'io.gapscope.app', version: '0.1.0' } } });
    expect(readFileSync(join(app, 'Contents/MacOS/Gapscope')).equals(sevenZa.arm64)).toBe(true);
    const empty = mkdtempSync(join(work, 'empty-'));
    mkdirSync(join(empty, 'Gapscope.app', 'Contents'), { recursive: true });
    writeFileSync(join(empty, 'Gapscope.app', 'Contents', 'Info.plist'), '<plist/>');
    expect(() => stampAppUuids(join(empty, 'Gapscope.app'), { appId: 'io.gapscope.app', version: '0.1.0' })).toThrow(/no executable/);
  });
});
