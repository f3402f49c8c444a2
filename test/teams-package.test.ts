import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync, inflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';

/** `npm run package:teams`: the zip Teams sideloads. Read back with a ZIP reader written here. */
const script = new URL('../scripts/package-teams.mjs', import.meta.url).pathname;
const directory = mkdtempSync(join(tmpdir(), 'ragbot-teams-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
const APP_ID = '6a1f4a52-7d3c-4e0b-9a51-2c1b7f3e9d10';

const unzip = (archive: Buffer): Map<string, Buffer> => {
  const end = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(end).toBeGreaterThan(0);
  const count = archive.readUInt16LE(end + 10);
  let offset = archive.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let index = 0; index < count; index++) {
    expect(archive.readUInt32LE(offset)).toBe(0x02014b50);
    const method = archive.readUInt16LE(offset + 10);
    const compressedSize = archive.readUInt32LE(offset + 20);
    const size = archive.readUInt32LE(offset + 24);
    const nameLength = archive.readUInt16LE(offset + 28);
    const extraLength = archive.readUInt16LE(offset + 30);
    const commentLength = archive.readUInt16LE(offset + 32);
    const local = archive.readUInt32LE(offset + 42);
    const name = archive.subarray(offset + 46, offset + 46 + nameLength).toString('utf8');
    expect(archive.readUInt32LE(local)).toBe(0x04034b50);
    const dataStart = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28);
    const stored = archive.subarray(dataStart, dataStart + compressedSize);
    const data = method === 8 ? inflateRawSync(stored) : stored;
    expect(data.length).toBe(size);
    files.set(name, data);
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return files;
};

const pngInfo = (png: Buffer) => {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const idat = png.subarray(png.indexOf('IDAT') + 4, png.indexOf('IEND') - 8);
  const rows = inflateSync(idat);
  const alpha = (x: number, y: number) => rows[y * (1 + width * 4) + 1 + x * 4 + 3];
  return { width, height, colorType: png[25], alpha };
};

describe('the Teams app package', () => {
  it('zips the manifest, with the app id filled in, and both icons', () => {
    const out = join(directory, 'teams-app.zip');
    execFileSync(process.execPath, [script, '--out', out], { env: { ...process.env, MICROSOFT_APP_ID: APP_ID, TEAMS_APP_VERSION: '1.2.3' } });
    const files = unzip(readFileSync(out));
    expect([...files.keys()].sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);

    const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8'));
    expect(Number(manifest.manifestVersion)).toBeGreaterThanOrEqual(1.19);
    expect(manifest).toMatchObject({ id: APP_ID, version: '1.2.3', icons: { color: 'color.png', outline: 'outline.png' } });
    expect(manifest.bots).toEqual([
      expect.objectContaining({ botId: APP_ID, scopes: ['personal', 'team', 'groupChat'], isNotificationOnly: false }),
    ]);
    expect(manifest.bots[0].commandLists[0].commands.map((command: { title: string }) => command.title)).toEqual(['ask', 'reindex']);
    expect(JSON.stringify(manifest)).not.toContain('{{');

    const color = pngInfo(files.get('color.png')!);
    expect(color).toMatchObject({ width: 192, height: 192, colorType: 6 });
    const outline = pngInfo(files.get('outline.png')!);
    expect(outline).toMatchObject({ width: 32, height: 32, colorType: 6 });
    expect(outline.alpha(0, 0)).toBe(0); // transparent background
  });

  it('refuses to package without a valid app id, saying which variable', () => {
    const result = spawnSync(process.execPath, [script, '--out', join(directory, 'nope.zip')], {
      env: { ...process.env, MICROSOFT_APP_ID: 'not-a-guid', MicrosoftAppId: '' }, encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('MICROSOFT_APP_ID: must be a GUID');
  });
});
