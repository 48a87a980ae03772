#!/usr/bin/env node
// Draws the app icon (a waveform whose middle bars are missing, marked by amber dots, on a rounded
// square) and writes build/icon.png (1024×1024, from which electron-builder derives .icns, .ico
// and the Linux sizes) and build/icon-512.png. Plain Node: shapes are signed distance functions,
// anti-aliased by coverage, and the PNG is written with zlib. Run: node build/make-icons.mjs
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));

// Geometry on a 1024 grid (macOS template: an 824-pixel rounded square centred, radius 185).
const TILE_HALF = 412;
const TILE_RADIUS = 185;
const TOP = [0x1f, 0x3f, 0x63];
const BOTTOM = [0x0a, 0x15, 0x25];
const BAR = [0x3e, 0xe6, 0xc4];
const GAP = [0xff, 0xb0, 0x20];
// Half-heights of the received bars; null is a slot where nothing arrived.
const BARS = [70, 130, 200, 150, 230, null, null, null, 180, 240, 140, 190, 90];
const BAR_RADIUS = 17;
const FIRST_X = 232;
const PITCH = (1024 - 2 * FIRST_X) / (BARS.length - 1);

function roundedSquare(x, y) {
  const qx = Math.abs(x - 512) - (TILE_HALF - TILE_RADIUS);
  const qy = Math.abs(y - 512) - (TILE_HALF - TILE_RADIUS);
  const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0));
  return outside + Math.min(Math.max(qx, qy), 0) - TILE_RADIUS;
}

function capsule(x, y, ax, ay, bx, by, radius) {
  const [px, py, dx, dy] = [x - ax, y - ay, bx - ax, by - ay];
  const t = Math.max(0, Math.min(1, (px * dx + py * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(px - dx * t, py - dy * t) - radius;
}

function bars(x, y) {
  let d = Infinity;
  BARS.forEach((half, i) => {
    if (half !== null) d = Math.min(d, capsule(x, y, FIRST_X + i * PITCH, 512 - half, FIRST_X + i * PITCH, 512 + half, BAR_RADIUS));
  });
  return d;
}

// The gap: an amber dot where each missing bar would be.
function gapDots(x, y) {
  let d = Infinity;
  BARS.forEach((half, i) => {
    if (half === null) d = Math.min(d, Math.hypot(x - (FIRST_X + i * PITCH), y - 512) - 15);
  });
  return d;
}

const coverage = (distance, scale) => Math.max(0, Math.min(1, 0.5 - distance * scale));

function over(dst, color, alpha) {
  // Source-over in premultiplied space; dst is [r, g, b, a] with straight colour.
  const outA = alpha + dst[3] * (1 - alpha);
  if (outA === 0) return [0, 0, 0, 0];
  const mix = (c, i) => (c * alpha + dst[i] * dst[3] * (1 - alpha)) / outA;
  return [mix(color[0], 0), mix(color[1], 1), mix(color[2], 2), outA];
}

function render(size) {
  const scale = 1024 / size;
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const x = (px + 0.5) * scale;
      const y = (py + 0.5) * scale;
      const t = Math.max(0, Math.min(1, (y - 100) / 824));
      const background = TOP.map((c, i) => c + (BOTTOM[i] - c) * t);
      let pixel = over([0, 0, 0, 0], background, coverage(roundedSquare(x, y), 1 / scale));
      pixel = over(pixel, BAR, coverage(bars(x, y), 1 / scale) * pixel[3]);
      pixel = over(pixel, GAP, coverage(gapDots(x, y), 1 / scale) * pixel[3]);
      const o = (py * size + px) * 4;
      rgba[o] = Math.round(pixel[0]);
      rgba[o + 1] = Math.round(pixel[1]);
      rgba[o + 2] = Math.round(pixel[2]);
      rgba[o + 3] = Math.round(pixel[3] * 255);
    }
  }
  return rgba;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function png(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bits per channel
  header[9] = 6; // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    rows[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

for (const [size, name] of [
  [1024, 'icon.png'],
  [512, 'icon-512.png'],
]) {
  writeFileSync(join(here, name), png(size, render(size)));
  console.log(`wrote build/${name} (${size}×${size})`);
}
