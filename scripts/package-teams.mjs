#!/usr/bin/env node
// Builds the Teams app package (dist/teams-app.zip): manifest/teams/manifest.json with its
// placeholders filled in, and the two icons. No dependencies: the PNG and ZIP writers are here.
//
//   MICROSOFT_APP_ID=<bot app id> node scripts/package-teams.mjs [--out <file.zip>]
//   node scripts/package-teams.mjs --write-icons     (regenerates manifest/teams/*.png)
//
// Placeholders: {{MICROSOFT_APP_ID}} (required, the Azure Bot's Microsoft App ID, a GUID; also read
// from MicrosoftAppId), {{APP_VERSION}} (TEAMS_APP_VERSION, default: package.json's version),
// {{DEVELOPER_NAME}} (TEAMS_DEVELOPER_NAME, default "ragbot"), {{DEVELOPER_URL}}
// (TEAMS_DEVELOPER_URL, an https URL, default https://example.com/ragbot).

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync, deflateSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const manifestDirectory = join(root, 'manifest', 'teams');

// ---- CRC-32 (ISO-HDLC), shared by PNG chunks and ZIP entries ----------------------------------
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (bytes) => {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
};

// ---- PNG: 8-bit RGBA, no interlace, filter 0 on every row -------------------------------------
const chunk = (type, data) => {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(data.length, 0);
  header.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([header.subarray(4), data])), 0);
  return Buffer.concat([header, data, crc]);
};

export const encodePng = (width, height, pixel) => {
  const rows = Buffer.alloc(height * (1 + width * 4));
  for (let y = 0; y < height; y++) {
    const offset = y * (1 + width * 4);
    rows[offset] = 0;
    for (let x = 0; x < width; x++) {
      const [r, g, b, a] = pixel(x, y);
      rows.set([r, g, b, a], offset + 1 + x * 4);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // bit depth 8, RGBA, deflate, adaptive filtering, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
};

// A page with text lines and a speech-bubble tail: "answers from documents". The color icon is a
// full square (Teams rounds it); the outline icon is white on transparent, as Teams requires.
const inRoundedRect = (x, y, left, top, right, bottom, radius) => {
  if (x < left || x > right || y < top || y > bottom) return false;
  const cx = Math.min(Math.max(x, left + radius), right - radius);
  const cy = Math.min(Math.max(y, top + radius), bottom - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
};

const pageShape = (x, y, size) => {
  const u = size / 32; // drawn on a 32-unit grid
  const page = inRoundedRect(x, y, 7 * u, 4 * u, 25 * u, 24 * u, 2 * u);
  const tail = y >= 23 * u && y <= 28 * u && x >= 10 * u && x <= 10 * u + (28 * u - y) * 1.2;
  const line = [9, 13, 17].some((row) => y >= row * u && y < (row + 1.6) * u && x >= 10 * u && x <= (row === 17 ? 18 : 22) * u);
  return { page: page || tail, line: page && line };
};

export const colorIcon = () =>
  encodePng(192, 192, (x, y) => {
    const { page, line } = pageShape(x, y, 192);
    if (line) return [0x3b, 0x5b, 0xdb, 255];
    if (page) return [255, 255, 255, 255];
    return [0x3b, 0x5b, 0xdb, 255];
  });

export const outlineIcon = () =>
  encodePng(32, 32, (x, y) => {
    const { page, line } = pageShape(x + 0.5, y + 0.5, 32);
    const inner = pageShape(x + 0.5, y + 0.5, 32).page && inRoundedRect(x + 0.5, y + 0.5, 8.5, 5.5, 23.5, 22.5, 1);
    return (page && !inner) || line ? [255, 255, 255, 255] : [0, 0, 0, 0];
  });

// ---- ZIP: deflated entries, fixed timestamps (reproducible packages) ---------------------------
export const zip = (files) => {
  const locals = [];
  const centrals = [];
  let offset = 0;
  const dosTime = 0; // 00:00:00
  const dosDate = ((2024 - 1980) << 9) | (1 << 5) | 1; // 2024-01-01
  for (const { name, data } of files) {
    const nameBytes = Buffer.from(name, 'utf8');
    const compressed = deflateRawSync(data, { level: 9 });
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // version made by
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, compressed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
};

// ---- the package ---------------------------------------------------------------------------------
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const renderManifest = (template, environment) => {
  const appId = (environment.MICROSOFT_APP_ID ?? environment.MicrosoftAppId ?? '').trim();
  const problems = [];
  if (!appId) problems.push('MICROSOFT_APP_ID: is missing; set it to the Azure Bot\'s Microsoft App ID');
  else if (!GUID.test(appId)) problems.push('MICROSOFT_APP_ID: must be a GUID such as 00000000-0000-0000-0000-000000000000');
  const developerUrl = environment.TEAMS_DEVELOPER_URL ?? 'https://example.com/ragbot';
  if (!/^https:\/\/\S+$/.test(developerUrl)) problems.push('TEAMS_DEVELOPER_URL: must be an https:// URL');
  const version = environment.TEAMS_APP_VERSION ?? JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  if (!/^\d+\.\d+\.\d+$/.test(version)) problems.push('TEAMS_APP_VERSION: must be a version such as 1.0.0');
  if (problems.length > 0) throw new Error(`Cannot package the Teams app:\n  ${problems.join('\n  ')}`);
  const values = { MICROSOFT_APP_ID: appId, APP_VERSION: version, DEVELOPER_NAME: environment.TEAMS_DEVELOPER_NAME ?? 'ragbot', DEVELOPER_URL: developerUrl };
  const text = template.replace(/\{\{(\w+)\}\}/g, (match, name) => (name in values ? JSON.stringify(values[name]).slice(1, -1) : match));
  const left = text.match(/\{\{\w+\}\}/g);
  if (left) throw new Error(`Cannot package the Teams app: unknown placeholders ${[...new Set(left)].join(', ')}`);
  return JSON.stringify(JSON.parse(text), null, 2);
};

const main = () => {
  const args = process.argv.slice(2);
  if (args.includes('--write-icons')) {
    writeFileSync(join(manifestDirectory, 'color.png'), colorIcon());
    writeFileSync(join(manifestDirectory, 'outline.png'), outlineIcon());
    console.log('wrote manifest/teams/color.png (192×192) and manifest/teams/outline.png (32×32)');
    return;
  }
  const outIndex = args.indexOf('--out');
  const out = resolve(outIndex >= 0 && args[outIndex + 1] ? args[outIndex + 1] : join(root, 'dist', 'teams-app.zip'));
  const manifest = renderManifest(readFileSync(join(manifestDirectory, 'manifest.json'), 'utf8'), process.env);
  const archive = zip([
    { name: 'manifest.json', data: Buffer.from(manifest, 'utf8') },
    { name: 'color.png', data: readFileSync(join(manifestDirectory, 'color.png')) },
    { name: 'outline.png', data: readFileSync(join(manifestDirectory, 'outline.png')) },
  ]);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, archive);
  console.log(`wrote ${out} (${archive.length} bytes)`);
};

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
