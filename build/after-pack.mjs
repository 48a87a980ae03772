// electron-builder's afterPack hook (electron-builder.yml: afterPack). On macOS it gives the app's
// main executable and its helpers Mach-O UUIDs of their own: macOS keys the Local Network
// permission to the main executable's LC_UUID (Apple TN3179), and Electron's prebuilt binary has
// the same UUID in every app built on one Electron version (electron-builder issue 9158), so one
// app's grant or denial would apply to another's. The new UUIDs are name-based (UUID v5) on the app
// id, the version, the executable's path in the bundle and the CPU: the same build always gets
// the same ones, and no other app does. afterPack runs before the fuses are flipped and before
// signing, so the signature covers the rewritten files. Other platforms: nothing to do.
import { chmodSync, existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readSlices, rewriteUuids, uuidV5 } from './macho.mjs';

/** The namespace of Gapscope's Mach-O UUIDs (itself the v5 UUID of this name in the URL namespace). */
export const UUID_NAMESPACE = uuidV5('6ba7b811-9dad-11d1-80b4-00c04fd430c8', 'https://gapscope.invalid/mach-o-uuid');

/**
 * The UUID one slice of one executable gets.
 * @param {{ appId: string, version: string }} app
 * @param {string} executable the executable's path inside the .app, with / separators
 * @param {string} cpu the slice's CPU name (arm64, x86_64)
 */
export function executableUuid(app, executable, cpu) {
  return uuidV5(UUID_NAMESPACE, `${app.appId}@${app.version}/${executable}/${cpu}`);
}

/**
 * The executables of a macOS .app: Contents/MacOS/* and every helper app's under Contents/Frameworks.
 * @param {string} appPath
 * @returns {string[]}
 */
export function appExecutables(appPath) {
  const files = (dir) => (existsSync(dir) ? readdirSync(dir).map((n) => join(dir, n)).filter((f) => statSync(f).isFile()) : []);
  const frameworks = join(appPath, 'Contents', 'Frameworks');
  const helpers = existsSync(frameworks) ? readdirSync(frameworks).filter((n) => n.endsWith('.app')).sort() : [];
  return [...files(join(appPath, 'Contents', 'MacOS')), ...helpers.flatMap((h) => files(join(frameworks, h, 'Contents', 'MacOS')))];
}

/**
 * Rewrites the LC_UUID of every executable in the .app; returns what changed, one entry per slice.
 * A file is replaced whole (written beside it, then renamed), keeping its mode.
 * @param {string} appPath
 * @param {{ appId: string, version: string }} app
 */
export function stampAppUuids(appPath, app) {
  const executables = appExecutables(appPath);
  if (executables.length === 0) throw new Error(`${appPath} has no executable in Contents/MacOS`);
  const changes = [];
  for (const file of executables) {
    const inBundle = relative(appPath, file).split(/[\\/]/).join('/');
    const before = readFileSync(file);
    const { bytes, slices } = rewriteUuids(before, (s) => executableUuid(app, inBundle, s.cpu));
    const check = readSlices(bytes).map((s) => s.uuid);
    if (check.join() !== slices.map((s) => s.newUuid).join()) throw new Error(`${inBundle}: the rewritten file does not read back with the new UUIDs`);
    const temp = `${file}.uuid-${process.pid}`;
    writeFileSync(temp, bytes, { flag: 'wx' });
    chmodSync(temp, statSync(file).mode & 0o7777);
    renameSync(temp, file);
    for (const s of slices) changes.push({ executable: inBundle, cpu: s.cpu, from: s.uuid, to: s.newUuid });
  }
  return changes;
}

/**
 * The hook electron-builder calls after packing each platform and architecture.
 * @param {{ appOutDir: string, electronPlatformName: string, packager: { appInfo: { productFilename: string, id: string, version: string } } }} context
 */
export async function afterPack(context) {
  if (context.electronPlatformName !== 'darwin' && context.electronPlatformName !== 'mas') return;
  const { productFilename, id, version } = context.packager.appInfo;
  const appPath = join(context.appOutDir, `${productFilename}.app`);
  for (const c of stampAppUuids(appPath, { appId: id, version })) {
    console.log(`  • Mach-O UUID  ${c.executable} (${c.cpu}): ${c.from ?? 'none'} → ${c.to}`);
  }
}

export default afterPack;
