// Mach-O image UUIDs (LC_UUID): read them from a thin or universal (fat) binary and rewrite them in
// place. macOS keys Local Network privacy to the main executable's UUID (Apple TN3179), and
// Electron's prebuilt binary carries the same one for every app on one Electron version.
//
// Hand-written rather than a library: the only part of the format needed is the header, the fat
// table and the load-command list (a few dozen lines), and the npm Mach-O parsers are either
// unmaintained or read whole segments we do not need. Layouts are Apple's <mach-o/loader.h> and
// <mach-o/fat.h>: the fat header and table are big-endian; a slice is in its CPU's byte order,
// told by its magic (MH_MAGIC_64 read little-endian on arm64 and x86_64, MH_CIGAM_64 for a
// big-endian PowerPC slice); 32-bit slices are read too. Nothing outside the 16 UUID bytes is written.
import { createHash } from 'node:crypto';

/** The load command that carries the image UUID. */
export const LC_UUID = 0x1b;

const MH_MAGIC = 0xfeedface;
const MH_MAGIC_64 = 0xfeedfacf;
const FAT_MAGIC = 0xcafebabe;
const FAT_MAGIC_64 = 0xcafebabf;
/** More architectures than any fat binary has: also tells a Java class file (same magic) apart. */
const MAX_FAT_ARCHS = 32;

const CPU_NAMES = { 7: 'i386', 0x01000007: 'x86_64', 12: 'arm', 0x0100000c: 'arm64', 0x0200000c: 'arm64_32', 18: 'ppc', 0x01000012: 'ppc64' };

/** A file that is not a Mach-O binary we can read, with the reason in words. */
export class MachOError extends Error {}

/**
 * One architecture of a binary: where it lies in the file, its CPU, and its LC_UUID (null when it
 * has none). uuidOffset is the offset of the 16 UUID bytes in the whole file.
 * @typedef {{ offset: number, size: number, cpuType: number, cpuSubtype: number, cpu: string, bits: 32 | 64, littleEndian: boolean, uuid: string | null, uuidOffset: number | null }} MachOSlice
 */

/**
 * The slices of a thin or fat Mach-O file, each with its UUID.
 * @param {Uint8Array} bytes
 * @returns {MachOSlice[]}
 */
export function readSlices(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 8) throw new MachOError(`${bytes.byteLength} bytes: too short for a Mach-O header`);
  const magicBE = view.getUint32(0, false);
  if (magicBE === FAT_MAGIC || magicBE === FAT_MAGIC_64) {
    const wide = magicBE === FAT_MAGIC_64;
    const count = view.getUint32(4, false);
    if (count === 0 || count > MAX_FAT_ARCHS) throw new MachOError(`a universal header with ${count} architectures (a Java class file?)`);
    const entrySize = wide ? 32 : 20;
    need(bytes, 8 + count * entrySize, 'the universal architecture table');
    const slices = [];
    for (let i = 0; i < count; i++) {
      const at = 8 + i * entrySize;
      const offset = wide ? safeNumber(view.getBigUint64(at + 8, false)) : view.getUint32(at + 8, false);
      const size = wide ? safeNumber(view.getBigUint64(at + 16, false)) : view.getUint32(at + 12, false);
      if (offset + size > bytes.byteLength) throw new MachOError(`architecture ${i + 1} lies past the end of the file (${offset}+${size} > ${bytes.byteLength})`);
      const slice = readThin(view, offset, size);
      if (slice.cpuType !== view.getInt32(at, false)) throw new MachOError(`architecture ${i + 1}: the universal table says CPU ${view.getInt32(at, false)}, the slice says ${slice.cpuType}`);
      slices.push(slice);
    }
    return slices;
  }
  return [readThin(view, 0, bytes.byteLength)];
}

/**
 * One thin image at `offset`: its header and the LC_UUID among its load commands.
 * @param {DataView} view
 * @param {number} offset
 * @param {number} size
 * @returns {MachOSlice}
 */
function readThin(view, offset, size) {
  if (size < 8) throw new MachOError(`a slice of ${size} bytes is too short for a Mach-O header`);
  const magicLE = view.getUint32(offset, true);
  const magicBE = view.getUint32(offset, false);
  let littleEndian;
  let bits;
  if (magicLE === MH_MAGIC_64 || magicBE === MH_MAGIC_64) [littleEndian, bits] = [magicLE === MH_MAGIC_64, 64];
  else if (magicLE === MH_MAGIC || magicBE === MH_MAGIC) [littleEndian, bits] = [magicLE === MH_MAGIC, 32];
  else throw new MachOError(`not a Mach-O binary (magic 0x${magicBE.toString(16).padStart(8, '0')})`);
  const le = littleEndian;
  const headerSize = bits === 64 ? 32 : 28;
  if (size < headerSize) throw new MachOError(`a slice of ${size} bytes is too short for a Mach-O header`);
  const cpuType = view.getInt32(offset + 4, le);
  const cpuSubtype = view.getInt32(offset + 8, le);
  const ncmds = view.getUint32(offset + 16, le);
  const sizeofcmds = view.getUint32(offset + 20, le);
  if (headerSize + sizeofcmds > size) throw new MachOError(`load commands (${sizeofcmds} bytes) run past the slice (${size} bytes)`);
  let uuidOffset = null;
  let at = offset + headerSize;
  const end = at + sizeofcmds;
  for (let i = 0; i < ncmds; i++) {
    if (at + 8 > end) throw new MachOError(`load command ${i + 1} of ${ncmds} starts past the load commands' end`);
    const cmd = view.getUint32(at, le);
    const cmdsize = view.getUint32(at + 4, le);
    if (cmdsize < 8 || cmdsize % 4 !== 0 || at + cmdsize > end) throw new MachOError(`load command ${i + 1} has a size of ${cmdsize} bytes, which does not fit`);
    if (cmd === LC_UUID) {
      if (cmdsize !== 24) throw new MachOError(`LC_UUID of ${cmdsize} bytes (it has 24)`);
      if (uuidOffset !== null) throw new MachOError('two LC_UUID load commands in one slice');
      uuidOffset = at + 8;
    }
    at += cmdsize;
  }
  const uuid = uuidOffset === null ? null : formatUuid(new Uint8Array(view.buffer, view.byteOffset + uuidOffset, 16));
  return { offset, size, cpuType, cpuSubtype, cpu: CPU_NAMES[cpuType] ?? `cpu ${cpuType}`, bits, littleEndian, uuid, uuidOffset };
}

/**
 * A copy of `bytes` with each slice's UUID replaced by `uuidFor(slice)`; every other byte is kept.
 * A slice without LC_UUID is refused: adding a load command would move the rest of the header.
 * @param {Uint8Array} bytes
 * @param {(slice: MachOSlice) => string} uuidFor
 * @returns {{ bytes: Uint8Array, slices: Array<MachOSlice & { newUuid: string }> }}
 */
export function rewriteUuids(bytes, uuidFor) {
  const slices = readSlices(bytes);
  const out = Uint8Array.from(bytes);
  const done = [];
  for (const s of slices) {
    if (s.uuidOffset === null) throw new MachOError(`the ${s.cpu} slice has no LC_UUID load command (link it with one: ld -random_uuid, or Go's -B gobuildid)`);
    const newUuid = uuidFor(s);
    out.set(parseUuid(newUuid), s.uuidOffset);
    done.push({ ...s, newUuid: formatUuid(parseUuid(newUuid)) });
  }
  if (new Set(done.map((s) => s.newUuid)).size !== done.length) throw new MachOError('two slices would get the same UUID');
  return { bytes: out, slices: done };
}

/**
 * A name-based UUID (RFC 9562 version 5: SHA-1 of the namespace and the name), upper case as
 * Apple's tools print it: the same name always gives the same UUID, another name another one.
 * @param {string} namespace a UUID
 * @param {string} name
 * @returns {string}
 */
export function uuidV5(namespace, name) {
  const hash = createHash('sha1').update(parseUuid(namespace)).update(name, 'utf8').digest();
  const bytes = Uint8Array.from(hash.subarray(0, 16));
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  return formatUuid(bytes);
}

/** @param {Uint8Array} b @returns {string} */
function formatUuid(b) {
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('').toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** @param {string} text @returns {Uint8Array} */
function parseUuid(text) {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text)) throw new MachOError(`${JSON.stringify(text)} is not a UUID`);
  return Uint8Array.from(text.replaceAll('-', '').match(/../g), (h) => parseInt(h, 16));
}

/** @param {Uint8Array} bytes @param {number} length @param {string} what */
function need(bytes, length, what) {
  if (bytes.byteLength < length) throw new MachOError(`the file ends inside ${what}`);
}

/** @param {bigint} v @returns {number} */
function safeNumber(v) {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new MachOError('an offset past 2^53 bytes');
  return Number(v);
}
