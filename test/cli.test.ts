import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const run = promisify(execFile);

describe('the ragbot CLI over examples/docs', () => {
  let dataDirectory: string;
  const ragbot = async (args: string[], environment: Record<string, string> = {}) => {
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/entry/cli.ts', ...args], {
        cwd: root,
        env: { ...process.env, RAGBOT_DATA_DIR: dataDirectory, ...environment },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failure = error as { code: number; stdout: string; stderr: string };
      return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
    }
  };

  beforeAll(async () => {
    dataDirectory = await mkdtemp(join(tmpdir(), 'ragbot-cli-'));
  });
  afterAll(async () => {
    await rm(dataDirectory, { recursive: true, force: true });
  });

  it('indexes every sample document, then re-indexes nothing when nothing changed', async () => {
    const first = await ragbot(['index', 'examples/docs', '--json']);
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary).toMatchObject({ changed: 0, deleted: 0, unchanged: 0, chunksEmbedded: 0, failed: [] });
    expect(summary.scanned).toBeGreaterThanOrEqual(25);
    expect(summary.added).toBe(summary.scanned);
    expect(summary.collections.map((collection: { collection: string }) => collection.collection)).toEqual(
      expect.arrayContaining(['faq', 'postmortems', 'runbooks', 'security', 'standards']),
    );

    const second = JSON.parse((await ragbot(['index', 'examples/docs', '--json'])).stdout);
    expect(second).toMatchObject({ added: 0, changed: 0, deleted: 0, chunksIndexed: 0, chunksEmbedded: 0 });
    expect(second.unchanged).toBe(summary.scanned);
  });

  it('answers with citations to the runbook', async () => {
    const result = await ragbot(['ask', 'how do I drain a haproxy backend?', '--json']);
    expect(result.code).toBe(0);
    const answer = JSON.parse(result.stdout);
    expect(answer.outcome).toBe('answered');
    expect(answer.text).toMatch(/\[1\]/);
    // The runbook and the man page of the drain tool both answer it.
    expect(answer.citations[0]).toMatchObject({ n: 1, collection: 'runbooks' });
    expect(['runbooks/haproxy-drain.md', 'runbooks/acme-drain.8.txt']).toContain(answer.citations[0].path);
    expect(answer.citations.map((citation: { path: string }) => citation.path)).toContain('runbooks/haproxy-drain.md');
    expect(answer.text).toMatch(/state drain|DRAIN/);
    expect(answer.citations[0].score).toBeGreaterThan(0);
  });

  it('prints a readable answer with its sources', async () => {
    const result = await ragbot(['ask', 'what vlan do branch offices use for voice?', '--collection', 'standards']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Sources:\n {2}\[1\] .+ — standards\/vlan-numbering\.md/);
    expect(result.stdout).toContain('Searched: standards');
  });

  it('says so when the documents do not answer', async () => {
    const answer = JSON.parse((await ragbot(['ask', 'how do I reset the kafka consumer group offsets?', '--json'])).stdout);
    expect(answer).toMatchObject({ outcome: 'no-answer', citations: [] });
  });

  it.each([
    [['index', 'no/such/dir'], 1, /Directory "no\/such\/dir" does not exist/],
    [['ask', '   '], 2, /The question is empty/],
    [['ask', 'x'.repeat(2_001)], 2, /2001 characters; the limit is 2000/],
    [['ask', 'bgp', '--collection', 'nope'], 1, /Unknown collection "nope"; indexed collections: faq, postmortems, runbooks, security, standards/],
  ])('fails clearly for %j', async (args, code, message) => {
    const result = await ragbot(args);
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
  });

  it('refuses an index built with another embedder until --full', async () => {
    const mixed = await ragbot(['index', 'examples/docs/faq', '--collection', 'faq'], { RAGBOT_EMBEDDINGS: 'hash' });
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toMatch(/built with embeddings none \(lexical only\).*hash:hash-384-v1.*--full/);
    expect((await ragbot(['ask', 'bgp', '--collection', 'faq'], { RAGBOT_EMBEDDINGS: 'bogus' })).stderr).toMatch(/RAGBOT_EMBEDDINGS: must be one of none, hash, use-lite/);
  });

  it('indexes files beside the folders, and a flat directory, as a collection named after the directory', async () => {
    const { mkdir, writeFile, copyFile } = await import('node:fs/promises');
    const directory = join(dataDirectory, 'Team Docs');
    await mkdir(join(directory, 'runbooks'), { recursive: true });
    await copyFile(join(root, 'examples/docs/runbooks/haproxy-drain.md'), join(directory, 'runbooks/haproxy-drain.md'));
    await writeFile(join(directory, 'notes.md'), '# Notes\n\nThe quarterly failover drill is on the first Monday.');
    const summary = JSON.parse((await ragbot(['index', directory, '--json'], { RAGBOT_TENANT: 'flat' })).stdout);
    expect(summary.collections.map((collection: { collection: string; scanned: number }) => [collection.collection, collection.scanned])).toEqual([
      ['runbooks', 1], ['team-docs', 1],
    ]);
  });
});
