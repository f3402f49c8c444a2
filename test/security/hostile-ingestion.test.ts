import { appendFile, mkdir, mkdtemp, open, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReindexArguments } from '../../adapters/slack/slack-commands.js';
import { parsePolicy } from '../../src/config/policy-file.js';
import { assertValidName } from '../../src/core/access/search-scope.js';
import type { StoredChunk } from '../../src/core/chunk.js';
import { handleReindex } from '../../src/core/conversation/handle-reindex.js';
import { indexCollection, type IndexSummary } from '../../src/core/indexing/index-collection.js';
import type { DocumentSource } from '../../src/core/ports/document-source.js';
import type { VectorStore } from '../../src/core/ports/vector-store.js';
import { createDirectorySource } from '../../src/ingest/directory-source.js';
import { createDocumentParser } from '../../src/ingest/document-parser.js';
import { createMemoryAuditSink } from '../../src/providers/memory/memory-audit-sink.js';
import { createMemoryEmbeddingCache } from '../../src/providers/memory/memory-embedding-cache.js';
import { createMemoryIndexCatalogStore } from '../../src/providers/memory/memory-index-catalog-store.js';
import { createMemoryKeyValueStore } from '../../src/providers/memory/memory-key-value-store.js';
import { createMemoryMembershipDirectory } from '../../src/providers/memory/memory-membership-directory.js';
import { createMemoryVectorStore } from '../../src/providers/memory/memory-vector-store.js';
import { docx, zip } from '../support/reliability-zip.js';

/**
 * Hostile and broken files at ingestion, through the real directory source and parser into the
 * incremental indexer: links and names that try to leave the source directory, huge and
 * decompression-bomb files, corrupt PDFs and DOCX, files that change or vanish while being
 * indexed. A run always completes, reports what it skipped or could not read, and never indexes
 * anything from outside its directory.
 */

const parser = createDocumentParser();
const SECRET = 'OUTSIDE-CANARY-91c2';

/** A vector store that also keeps what it holds, to read back every stored passage. */
const recordingStore = () => {
  const inner = createMemoryVectorStore();
  const chunks = new Map<string, StoredChunk>();
  const store: VectorStore = {
    ...inner,
    upsert: async (options) => {
      for (const chunk of options.chunks) chunks.set(chunk.id, chunk);
      return inner.upsert(options);
    },
    deleteChunks: async (options) => {
      for (const id of options.ids) chunks.delete(id);
      return inner.deleteChunks(options);
    },
  };
  return { store, chunks };
};

const indexer = () => {
  const recorded = recordingStore();
  const dependencies = { store: recorded.store, catalogs: createMemoryIndexCatalogStore(), parser, embeddingCache: createMemoryEmbeddingCache() };
  const run = (source: DocumentSource, options: { full?: boolean } = {}): Promise<IndexSummary> =>
    indexCollection(dependencies, { source, tenantId: 'T0ACME', collection: 'docs', ...options });
  return { ...recorded, dependencies, run };
};

const directorySource = (root: string) => createDirectorySource({ root, supported: (path) => parser.canParse(path) });

describe('hostile files at ingestion', () => {
  let base: string;
  let root: string;
  let outside: string;

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'ragbot-ingest-'));
    root = join(base, 'docs');
    outside = join(base, 'outside');
    await mkdir(join(root, 'sub'), { recursive: true });
    await mkdir(outside, { recursive: true });
    await writeFile(join(outside, 'secret.md'), `# Secret\n\nThe outside token is ${SECRET}.\n`);
    await writeFile(join(root, 'haproxy.md'), '# HAProxy\n\nDrain a haproxy backend server with set server state drain.\n');
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('symbolic links out of the directory, link loops, broken links and odd names: skipped with a reason, nothing from outside indexed', async () => {
    await symlink(join(outside, 'secret.md'), join(root, 'innocent.md'));
    await symlink('../../outside/secret.md', join(root, 'sub', 'relative.md'));
    await symlink(outside, join(root, 'outside-dir'));
    await symlink(root, join(root, 'sub', 'loop'));
    await symlink(join(root, 'missing.md'), join(root, 'broken.md'));
    await symlink('/proc/self/environ', join(root, 'environ.md'));
    await writeFile(join(root, '%2e%2e%2fetc%2fpasswd.md'), '# Odd name\n\nA file whose name looks like a path traversal.\n');
    await writeFile(join(root, '<!channel> \u202egnp.md'), '# Mention name\n\nA file whose name carries a broadcast and a right-to-left override.\n');
    const ingest = indexer();
    const summary = await ingest.run(directorySource(root));
    const reasons = Object.fromEntries(summary.skipped.map((file) => [file.path, file.reason]));
    expect(reasons).toMatchObject({
      'innocent.md': 'symbolic link leaves the source directory',
      'sub/relative.md': 'symbolic link leaves the source directory',
      'outside-dir': 'symbolic link leaves the source directory',
      'environ.md': 'symbolic link leaves the source directory',
      'broken.md': 'broken symbolic link',
      'sub/loop': 'symbolic link to a directory that is already listed',
    });
    expect(summary.failed).toEqual([]);
    expect([...ingest.chunks.values()].map((chunk) => chunk.documentId).sort()).toEqual(['%2e%2e%2fetc%2fpasswd.md', '<!channel> \u202egnp.md', 'haproxy.md']);
    expect([...ingest.chunks.values()].some((chunk) => chunk.text.includes(SECRET))).toBe(false);
    for (const link of ['innocent.md', 'sub/relative.md', 'outside-dir', 'sub/loop', 'broken.md', 'environ.md']) await unlink(join(root, link));
  });

  it('collection names that try to leave their namespace or directory are refused, by /reindex and by the index', async () => {
    for (const name of ['../security', '..', 'runbooks/../../etc', 'T0ACME__security', '/etc', 'a'.repeat(64), '']) {
      expect(() => assertValidName('collection', name)).toThrow(/Invalid collection name/);
    }
    expect(parseReindexArguments('../../etc')).toEqual({ collection: '../../etc', full: false, dryRun: false });
    const policy = parsePolicy('tenants:\n  T0ACME:\n    collections: { runbooks: { source: ./runbooks } }\n    roles: { everyone: { collections: [runbooks] } }\n    admins: { users: [U0ADMIN] }\n', join(root, 'policy.yaml'));
    const ingest = indexer();
    const outcome = await handleReindex(
      { ...ingest.dependencies, policy, membership: createMemoryMembershipDirectory({ tenants: {} }), state: createMemoryKeyValueStore(), audit: createMemoryAuditSink(), sourceFor: () => directorySource(root) },
      { tenantId: 'T0ACME', userId: 'U0ADMIN', collection: '../../etc' },
    );
    expect(outcome).toEqual({ kind: 'unknown-collection', collection: '../../etc', known: ['runbooks'] });
    expect(ingest.chunks.size).toBe(0);
  });

  it('huge files and decompression bombs: skipped or refused with a reason, the run completes', async () => {
    const directory = join(base, 'huge');
    await mkdir(directory, { recursive: true });
    await writeFile(join(directory, 'ok.md'), '# Fine\n\nAn ordinary runbook paragraph about draining haproxy.\n');
    // 25 MiB without writing them: a sparse file.
    const handle = await open(join(directory, 'huge.md'), 'w');
    await handle.truncate(25 * 1024 * 1024);
    await handle.close();
    // A gzipped man page of 1 byte repeated 100 MiB: compressed, about 100 KiB.
    await writeFile(join(directory, 'bomb.8.gz'), gzipSync(Buffer.alloc(100 * 1024 * 1024, 0x20)));
    // One 3 MiB line with no space, and markdown nested 5,000 levels deep.
    await writeFile(join(directory, 'one-line.md'), `# One line\n\n${'x'.repeat(3 * 1024 * 1024)}\n`);
    await writeFile(join(directory, 'nested.md'), `# Nested\n\n${'> '.repeat(5_000)}deep\n`);
    const ingest = indexer();
    const started = performance.now();
    const summary = await ingest.run(directorySource(directory));
    const seconds = (performance.now() - started) / 1000;
    expect(summary.skipped).toEqual([{ path: 'huge.md', reason: 'file is larger than the 20 MiB limit (25 MiB)' }]);
    expect(summary.failed.map((file) => file.path)).toContain('bomb.8.gz');
    expect(summary.failed.find((file) => file.path === 'bomb.8.gz')?.reason).toMatch(/man page: .*(larger|buffer|length|size)/i);
    expect(summary.added).toBeGreaterThanOrEqual(1);
    expect([...ingest.chunks.values()].some((chunk) => chunk.documentId === 'ok.md')).toBe(true);
    expect(seconds).toBeLessThan(30);
    console.info(`[reliability:ingest] huge files: ${JSON.stringify({ seconds: +seconds.toFixed(1), added: summary.added, failed: summary.failed, chunks: ingest.chunks.size })}`);
  }, 60_000);

  it('corrupt, truncated and encrypted PDFs and DOCX: reported by name with the reason, the others indexed, the run completes', async () => {
    const directory = join(base, 'corrupt');
    await mkdir(directory, { recursive: true });
    const fixtures = new URL('../../src/ingest/__fixtures__/', import.meta.url);
    const goodPdf = await readFile(new URL('failover-guide.pdf', fixtures));
    const goodDocx = await readFile(new URL('redis-runbook.docx', fixtures));
    await writeFile(join(directory, 'good.pdf'), goodPdf);
    await writeFile(join(directory, 'good.docx'), goodDocx);
    await writeFile(join(directory, 'made-up.docx'), docx(['Made up runbook', 'Restart the patroni replica before the leader.']));
    await writeFile(join(directory, 'truncated.pdf'), goodPdf.subarray(0, Math.floor(goodPdf.length / 2)));
    await writeFile(join(directory, 'random.pdf'), Buffer.from(Array.from({ length: 4_096 }, (_, index) => (index * 7919) % 256)));
    await writeFile(join(directory, 'encrypted.pdf'), await readFile(new URL('encrypted.pdf', fixtures)));
    await writeFile(join(directory, 'truncated.docx'), goodDocx.subarray(0, Math.floor(goodDocx.length / 2)));
    await writeFile(join(directory, 'not-a-zip.docx'), 'this is plain text pretending to be a docx');
    await writeFile(join(directory, 'empty-zip.docx'), zip([{ name: 'hello.txt', data: 'no word document in here' }]));
    await writeFile(join(directory, 'bad-xml.docx'), zip([{ name: 'word/document.xml', data: '<w:document><w:body><w:p>' }]));
    const ingest = indexer();
    const summary = await ingest.run(directorySource(directory));
    const failed = Object.fromEntries(summary.failed.map((file) => [file.path, file.reason]));
    for (const name of ['truncated.pdf', 'random.pdf', 'encrypted.pdf', 'truncated.docx', 'not-a-zip.docx', 'empty-zip.docx', 'bad-xml.docx']) {
      expect(failed[name], name).toMatch(/\w{3}/);
    }
    expect(failed['encrypted.pdf']).toMatch(/encrypt|password/i);
    const indexed = new Set([...ingest.chunks.values()].map((chunk) => chunk.documentId));
    for (const name of ['good.pdf', 'good.docx', 'made-up.docx']) expect(indexed.has(name), name).toBe(true);
    expect(summary.added).toBe(indexed.size);
    console.info(`[reliability:ingest] corrupt files: ${JSON.stringify(summary.failed)}`);
  }, 60_000);

  // A DOCX's compressed size is bounded by the 20 MiB file limit; what it unpacks to is bounded by
  // the same 20 MiB, read from the zip's central directory before mammoth inflates anything (and each
  // part checked not to inflate past what it declares). Before: 92 KB expanding to 60 MB took 16 s
  // to parse into 54,709 passages.
  it('a DOCX that unpacks past the 20 MiB limit is reported as failed, naming the limit, and the run completes', async () => {
    const directory = join(base, 'docx-bomb');
    await mkdir(directory, { recursive: true });
    const bomb = docx(['Bomb', 'word '.repeat((21 * 1024 * 1024) / 5)]);
    expect(bomb.length).toBeLessThan(64 * 1024);
    await writeFile(join(directory, 'bomb.docx'), bomb);
    await writeFile(join(directory, 'ok.md'), '# Fine\n\nAn ordinary runbook paragraph about draining haproxy.\n');
    const ingest = indexer();
    const summary = await ingest.run(directorySource(directory));
    expect(summary.failed).toEqual([{ path: 'bomb.docx', reason: 'docx: unpacks to 21 MiB, more than the 20 MiB limit' }]);
    expect([...ingest.chunks.values()].map((chunk) => chunk.documentId)).toEqual(['ok.md']);
  }, 60_000);

  it('files that change or vanish while being indexed: the run completes, and the next run picks up the change', async () => {
    const directory = join(base, 'moving');
    await mkdir(directory, { recursive: true });
    await writeFile(join(directory, 'a-first.md'), '# First\n\nThe first version of alpha mentions ALPHA-ONE.\n');
    await writeFile(join(directory, 'b-second.md'), '# Second\n\nThe first version of bravo mentions BRAVO-ONE.\n');
    await writeFile(join(directory, 'c-vanishing.md'), '# Vanishing\n\nCharlie is deleted while the run is under way.\n');
    const inner = directorySource(directory);
    // Once listed, the second file is edited and the third deleted (before either is read; the run
    // reads ahead, so not from inside another read); reading the first file edits itself afterwards.
    const source: DocumentSource = {
      location: inner.location,
      list: async (options) => {
        const listed = await inner.list(options);
        await writeFile(join(directory, 'b-second.md'), '# Second\n\nThe second version of bravo mentions BRAVO-TWO.\n');
        await unlink(join(directory, 'c-vanishing.md'));
        return {
          ...listed,
          entries: listed.entries.map((entry) =>
            entry.documentId === 'a-first.md'
              ? {
                  ...entry,
                  read: async () => {
                    const bytes = await entry.read();
                    await appendFile(join(directory, 'a-first.md'), '\nAn edit made during the run adds ALPHA-TWO.\n');
                    return bytes;
                  },
                }
              : entry,
          ),
        };
      },
    };
    const ingest = indexer();
    const first = await ingest.run(source);
    expect(first.failed.map((file) => file.path)).toEqual(['c-vanishing.md']);
    expect(first.failed[0]?.reason).toMatch(/ENOENT|no such file/);
    const texts = () => [...ingest.chunks.values()].map((chunk) => chunk.text).join('\n');
    expect(texts()).toContain('ALPHA-ONE');
    expect(texts()).not.toContain('ALPHA-TWO');
    expect(texts()).toContain('BRAVO-TWO'); // read after its edit: the newest content

    const second = await ingest.run(directorySource(directory));
    expect(second.failed).toEqual([]);
    expect(second.changed).toBe(1); // a-first.md: edited after it was read
    expect(texts()).toContain('ALPHA-TWO');
    expect(texts()).toContain('BRAVO-TWO');
    expect(texts()).not.toContain('BRAVO-ONE');
    const third = await ingest.run(directorySource(directory));
    expect({ added: third.added, changed: third.changed, deleted: third.deleted }).toEqual({ added: 0, changed: 0, deleted: 0 });
  });
});
