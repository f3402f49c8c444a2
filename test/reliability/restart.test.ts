import { mkdtemp, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateDocument, writeCorpus, type SyntheticDocument } from '../../bench/synthetic-corpus.js';
import { loadConfig } from '../../src/config/config-schema.js';
import { createSearchScope } from '../../src/core/access/search-scope.js';
import { buildChunks } from '../../src/core/indexing/build-chunks.js';
import { sha256 } from '../../src/core/indexing/hash.js';
import { indexDirectory } from '../../src/entry/commands/index-command.js';
import { createRuntime } from '../../src/entry/runtime.js';
import { createDocumentParser } from '../../src/ingest/document-parser.js';
import { createLanceDbVectorStore } from '../../src/providers/lancedb/lancedb-vector-store.js';
import { readRecentLog, recentLogPath } from '../../src/providers/lancedb/recent-rows.js';
import { createFileIndexCatalogStore } from '../../src/providers/local/file-index-catalog-store.js';
import { createRedisFeedbackStore } from '../../src/providers/redis/redis-feedback-store.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.js';
import { citingReply } from '../support/citing-reply.js';
import { startRedisServer } from '../support/redis-server.js';
import { startServeChild, type ServeChild } from '../support/reliability-serve.js';
import { eventually, metricValue } from '../support/reliability-stack.js';
import {
  TENANT, sendSlackEvent, sendTeams, slackAnswers, slackChannelId, slackMention, slackReaction, slackUserId, startWorld, teamsChannelId,
  teamsChannelMessage, teamsReplies, teamsUser, type World,
} from '../support/reliability-world.js';

/**
 * Restart safety, with `ragbot serve` as a child process killed with SIGKILL (no shutdown hook
 * runs) and started again on the same port, data directory and Redis:
 *
 * 1. between the acknowledgement and the answer (the model is slow): the platforms' redelivery of
 *    the questions the dead process had acknowledged is answered exactly once after the restart;
 * 2. in the middle of an incremental reindex of a large generated corpus: the index it leaves is
 *    consistent, and the next run (the restarted bot's start-up indexing) finishes the job.
 */

const children: ServeChild[] = [];
const start = async (environment: Record<string, string>, options: Parameters<typeof startServeChild>[1] = {}) => {
  const child = await startServeChild(environment, { withProbe: false, ...options });
  children.push(child);
  return child;
};
afterEach(async () => {
  for (const child of children.splice(0)) await child.kill9();
});

const seenKey = (platform: string, id: string) => `ragbot:seen:${platform}:${TENANT}:${id}`;

describe('killed between the acknowledgement and the answer', () => {
  let dataDirectory: string;
  let redis: Awaited<ReturnType<typeof startRedisServer>>;
  let openai: FakeOpenAI;
  let world: World;
  let client: Redis;
  let feedbackClient: Redis | undefined;

  beforeAll(async () => {
    dataDirectory = await mkdtemp(join(tmpdir(), 'ragbot-restart-answer-'));
    [redis, openai, world] = await Promise.all([startRedisServer(), startFakeOpenAI({ reply: citingReply() }), startWorld()]);
    client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    client.on('error', () => undefined);
    await client.connect();
  }, 60_000);
  afterAll(async () => {
    client?.disconnect();
    feedbackClient?.disconnect();
    await Promise.all([world?.close(), openai?.close()]);
    await redis?.stop();
    await rm(dataDirectory, { recursive: true, force: true });
  });

  it('answers the redelivered questions exactly once after a kill -9, and keeps the feedback given before', async () => {
    const environment = {
      ...world.env(), RAGBOT_DATA_DIR: dataDirectory, RAGBOT_DOCS_DIR: 'examples/docs', REDIS_URL: redis.url,
      OPENAI_API_KEY: 'sk-restart-test-key', OPENAI_BASE_URL: `${openai.url}/v1`, RAGBOT_WEB: 'false',
    };
    const first = await start(environment);
    const serviceUrl = world.connector.url;

    // Before the fault: an answer, and a 👍 on it (feedback is kept in Redis).
    await sendSlackEvent(first.url, slackMention({ eventId: 'Ev0BEFORE', channel: slackChannelId(0), user: slackUserId(0), text: 'how do I drain a haproxy backend?', ts: world.slack.nextTs() }));
    const before = await eventually(() => slackAnswers(world.slack).get('Ev0BEFORE')?.[0], 20_000, 'the answer before the fault');
    feedbackClient = client.duplicate({ keyPrefix: 'ragbot:' });
    feedbackClient.on('error', () => undefined);
    const feedback = createRedisFeedbackStore(feedbackClient);
    // (The answer's record is written just after the post; a person reacts later than that.)
    const record = await eventually(() => feedback.findAnswer({ platform: 'slack', messageRef: `${before.channel}:${before.ts}` }), 10_000, 'the answer recorded');
    await sendSlackEvent(first.url, slackReaction({ eventId: 'Ev0VOTE', user: slackUserId(1), channel: before.channel, ts: before.ts, reaction: '+1' }));
    await eventually(async () => ((await feedback.votes(record.answerId)).length === 1 ? true : undefined), 10_000, 'the vote recorded');

    // The model hangs: both questions are acknowledged, then the process dies while they wait on it.
    openai.delayNext(2, 60_000, { pathPrefix: '/v1/chat' });
    const chatCalls = () => openai.requests.filter((request) => request.path === '/v1/chat/completions').length;
    const callsBefore = chatCalls();
    const slackQuestion = slackMention({ eventId: 'Ev0CRASH', channel: slackChannelId(1), user: slackUserId(2), text: 'what vlan do branch offices use for voice?', ts: world.slack.nextTs() });
    const teamsQuestion = teamsChannelMessage({ id: 'crash-teams-1', channel: teamsChannelId(0), team: world.teamOfChannel(0), user: teamsUser(0), text: 'who approves secret rotation exceptions?', serviceUrl });
    expect((await sendSlackEvent(first.url, slackQuestion)).status).toBe(200);
    expect((await sendTeams(first.url, teamsQuestion)).status).toBe(200);
    await eventually(() => (chatCalls() >= callsBefore + 2 ? true : undefined), 20_000, 'both questions waiting on the model');
    await first.kill9();
    const killedAt = Date.now();

    // What the dead process left: keys that say "being answered", short-lived so a crash cannot block the retry for long.
    for (const [platform, id] of [['slack', 'Ev0CRASH'], ['teams', 'crash-teams-1']] as const) {
      expect(await client.get(seenKey(platform, id))).toBe('processing');
      const ttl = await client.pttl(seenKey(platform, id));
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(15_000);
    }
    expect(slackAnswers(world.slack).has('Ev0CRASH')).toBe(false);
    expect(teamsReplies(world.connector).has('crash-teams-1')).toBe(false);

    // Restarted on the same port, data and Redis.
    const second = await start(environment, { port: first.port });
    // A redelivery that arrives while the dead attempt's key still lives is dropped (the platform retries later)…
    expect((await sendSlackEvent(second.url, slackQuestion, { retryNum: 1 })).status).toBe(200);
    // …and once it has expired, the next redelivery is answered.
    await eventually(async () => ((await client.exists(seenKey('slack', 'Ev0CRASH'), seenKey('teams', 'crash-teams-1'))) === 0 ? true : undefined), 20_000, 'the dead attempt\'s keys expired');
    const blockedForMs = Date.now() - killedAt;
    expect((await sendSlackEvent(second.url, slackQuestion, { retryNum: 2 })).status).toBe(200);
    expect((await sendTeams(second.url, teamsQuestion)).status).toBe(200);
    const slackAnswer = await eventually(() => slackAnswers(world.slack).get('Ev0CRASH')?.[0], 20_000, 'the Slack redelivery answered');
    const teamsAnswer = await eventually(() => teamsReplies(world.connector).get('crash-teams-1')?.[0], 20_000, 'the Teams redelivery answered');
    // Later redeliveries find the answer delivered.
    await sendSlackEvent(second.url, slackQuestion, { retryNum: 3 });
    await sendTeams(second.url, teamsQuestion);
    await new Promise((resolveWait) => setTimeout(resolveWait, 1_000));

    // What the user sees: one answer each, with its source.
    expect(slackAnswers(world.slack).get('Ev0CRASH')).toHaveLength(1);
    expect(teamsReplies(world.connector).get('crash-teams-1')).toHaveLength(1);
    expect(slackAnswer.text).toMatch(/vlan/i);
    expect(slackAnswer.text).toMatch(/\[1\]/);
    expect(String(teamsAnswer.activity.text)).toMatch(/\[1\]/);
    expect(await client.get(seenKey('slack', 'Ev0CRASH'))).toBe('delivered');
    expect(await client.pttl(seenKey('slack', 'Ev0CRASH'))).toBeGreaterThan(23 * 3600_000);

    // What the metrics say (the restarted process counts from zero).
    const metrics = await (await fetch(`${second.url}/metrics`)).text();
    expect(metricValue(metrics, 'ragbot_questions_total', { platform: 'slack' })).toBe(1);
    expect(metricValue(metrics, 'ragbot_questions_total', { platform: 'teams' })).toBe(1);
    expect(metricValue(metrics, 'ragbot_duplicate_events_total', { platform: 'slack' })).toBe(2);
    expect(metricValue(metrics, 'ragbot_duplicate_events_total', { platform: 'teams' })).toBe(1);

    // The feedback given before the crash is still there.
    const votes = await feedback.votes(record.answerId);
    expect(votes).toEqual([expect.objectContaining({ userId: slackUserId(1), sentiment: 'helpful' })]);
    console.info(`[reliability:restart] redelivery blocked for ${blockedForMs} ms after the kill (processing key TTL 15 s)`);
  }, 120_000);
});

describe('killed in the middle of a reindex', () => {
  let root: string;
  let redis: Awaited<ReturnType<typeof startRedisServer>>;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ragbot-restart-index-'));
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
    await rm(root, { recursive: true, force: true });
  });

  const SEED = 20260401;
  const parser = createDocumentParser();
  const expectedChunkIds = async (docs: string, documentId: string) => {
    const collection = documentId.split('/')[0] ?? '';
    const drafts = await parser.parse({ documentId, bytes: new Uint8Array(await readFile(join(docs, documentId))) });
    return buildChunks(drafts, { documentId, collection, modifiedAt: new Date() }).map((chunk) => chunk.id).sort();
  };
  /**
   * Each namespace's passages as documentId → chunk ids, read straight from disk: the LanceDB table's
   * rows that are not stale, and the recent rows written since the table's last fold.
   */
  const storedChunks = async (dataDirectory: string) => {
    const connection = await lancedb.connect(join(dataDirectory, 'lancedb'));
    const byNamespace = new Map<string, { ids: string[]; byDocument: Map<string, string[]> }>();
    for (const name of await connection.tableNames()) {
      const table = await connection.openTable(name);
      const recent = await readRecentLog(recentLogPath(join(dataDirectory, 'lancedb', 'recent-rows'), name));
      const rows = [
        ...(await table.query().select(['id', 'documentId']).toArray()).filter((row) => !recent.shadowed.has(String(row.id))),
        ...recent.chunks.values(),
      ];
      const byDocument = new Map<string, string[]>();
      for (const row of rows) byDocument.set(String(row.documentId), [...(byDocument.get(String(row.documentId)) ?? []), String(row.id)]);
      byNamespace.set(name, { ids: rows.map((row) => String(row.id)), byDocument });
      table.close();
    }
    connection.close();
    return byNamespace;
  };
  /** Writes to the store (LanceDB versions, recent-row lines) of every namespace but those in `except`. */
  const writeCount = async (dataDirectory: string, except: string[] = []) => {
    let count = 0;
    for (const table of await readdir(join(dataDirectory, 'lancedb')).catch(() => [] as string[])) {
      if (!table.endsWith('.lance') || except.includes(table.replace(/\.lance$/, ''))) continue;
      count += (await readdir(join(dataDirectory, 'lancedb', table, '_versions')).catch(() => [] as string[])).length;
    }
    for (const log of await readdir(join(dataDirectory, 'lancedb', 'recent-rows')).catch(() => [] as string[])) {
      if (except.includes(log.replace(/\.jsonl$/, ''))) continue;
      count += (await readFile(join(dataDirectory, 'lancedb', 'recent-rows', log), 'utf8').catch(() => '')).split('\n').length - 1;
    }
    return count;
  };

  it('leaves a consistent index after a kill -9, and the next run finishes the job', async () => {
    const docs = join(root, 'docs');
    const dataDirectory = join(root, 'data');
    // A first complete index of 200 documents…
    const initial: SyntheticDocument[] = Array.from({ length: 200 }, (_, index) => generateDocument(SEED, index));
    await writeCorpus(docs, initial);
    const runtime = await createRuntime(loadConfig({ RAGBOT_DATA_DIR: dataDirectory, RAGBOT_TENANT: TENANT }));
    await indexDirectory(runtime, { directory: docs, tenant: TENANT });
    await runtime.close();

    // …then 1,600 new documents, 40 edited and 20 deleted: the reindex the bot will be killed in.
    const added = Array.from({ length: 1_600 }, (_, index) => generateDocument(SEED, 200 + index));
    await writeCorpus(docs, added);
    const edited = initial.filter((_, index) => index % 5 === 0).slice(0, 40);
    for (const document of edited) await writeFile(join(docs, document.path), `${document.content}\n## Amended\n\nAmended after the incident review of ${document.title}.\n`);
    const deleted = initial.filter((_, index) => index % 5 === 1).slice(0, 20);
    for (const document of deleted) await unlink(join(docs, document.path));

    const environment = { RAGBOT_DATA_DIR: dataDirectory, RAGBOT_DOCS_DIR: docs, RAGBOT_TENANT: TENANT, REDIS_URL: redis.url, RAGBOT_WEB: 'false' };
    const catalogDirectory = join(dataDirectory, 'catalogs');
    const catalogsSavedSince = async (since: number) => {
      const saved: string[] = [];
      // (Not the temporary file of a catalog being written.)
      for (const name of (await readdir(catalogDirectory)).filter((file) => file.endsWith('.catalog.json'))) {
        if ((await stat(join(catalogDirectory, name))).mtimeMs > since) saved.push(name.replace(/\.catalog\.json$/, ''));
      }
      return saved;
    };
    const startedAt = Date.now();
    const first = await start(environment, { waitForHealthy: false });
    // Killed after the first collection is done and while the second one's batches are being written
    // (the first one's optimize, which overlaps them, writes versions of its own table: not counted).
    const done = await eventually(async () => {
      const saved = await catalogsSavedSince(startedAt);
      return saved.length >= 1 ? saved : undefined;
    }, 60_000, 'the first collection indexed');
    const writesAfterFirst = await writeCount(dataDirectory, done);
    await eventually(async () => ((await writeCount(dataDirectory, done)) >= writesAfterFirst + 2 ? true : undefined), 60_000, 'batches of the second collection written');
    await first.kill9();
    expect(first.lines().some((line) => line.includes('ragbot is serving'))).toBe(false);

    // The index as the dead process left it.
    const catalogs = createFileIndexCatalogStore({ directory: join(dataDirectory, 'catalogs') });
    const stored = await storedChunks(dataDirectory);
    const namespaces = await catalogs.listNamespaces();
    expect(namespaces.length).toBe(4);
    let orphanDocuments = 0;
    let replacedBeforeCatalog = 0;
    let lostMidReplacement = 0;
    for (const namespace of namespaces) {
      const catalog = await catalogs.load(namespace);
      const table = stored.get(namespace);
      const ids = new Set(table?.ids ?? []);
      // Every document the catalog lists has all the chunks the catalog names, or is an edited document the
      // killed run was replacing: then the store holds its new version in full (the batch was written; an
      // upsert is one commit, so never some of it, and never none of either version: see the last test).
      for (const [documentId, record] of Object.entries(catalog?.documents ?? {})) {
        const missing = record.chunkIds.filter((id) => !ids.has(id));
        if (missing.length === 0) continue;
        expect({ documentId, edited: edited.some((document) => document.path === documentId) }).toEqual({ documentId, edited: true });
        const current = await expectedChunkIds(docs, documentId);
        if (current.every((id) => ids.has(id))) replacedBeforeCatalog++;
        else lostMidReplacement++;
      }
      // Documents the killed run wrote but the catalog does not list yet are whole: a batch holds whole
      // documents, so nothing half-indexed is served.
      for (const [documentId, chunkIds] of table?.byDocument ?? []) {
        if (catalog?.documents[documentId]) continue;
        orphanDocuments++;
        expect({ documentId, chunks: [...chunkIds].sort() }).toEqual({ documentId, chunks: await expectedChunkIds(docs, documentId) });
      }
    }
    // What the next run has left to do, from the catalogs it will start from and the files on disk.
    let remainingNew = 0;
    let remainingChanged = 0;
    let remainingDeleted = 0;
    const onDisk = [...initial, ...added].filter((document) => !deleted.includes(document));
    for (const namespace of namespaces) {
      const catalog = await catalogs.load(namespace);
      const collection = namespace.split('__')[1] ?? '';
      for (const document of onDisk.filter((candidate) => candidate.collection === collection)) {
        const record = catalog?.documents[document.path];
        if (!record) remainingNew++;
        else if (record.hash !== sha256(new Uint8Array(await readFile(join(docs, document.path))))) remainingChanged++;
      }
      remainingDeleted += deleted.filter((document) => catalog?.documents[document.path]).length;
    }
    expect(lostMidReplacement).toBe(0);
    // The kill landed in the middle of the run: batches written but not cataloged.
    expect(orphanDocuments + replacedBeforeCatalog).toBeGreaterThan(0);
    expect(remainingNew).toBeGreaterThan(0);
    expect(remainingNew).toBeLessThan(added.length);

    // Restarted: the start-up indexing finishes the job and reports what was left as added, changed and deleted.
    const second = await start(environment, { port: first.port, timeoutMs: 90_000 });
    const summaries = second.lines().flatMap((line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; added?: number; changed?: number; deleted?: number };
        return entry.msg === 'indexed' ? [entry] : [];
      } catch {
        return [];
      }
    });
    expect(summaries).toHaveLength(4);
    const total = (key: 'added' | 'changed' | 'deleted') => summaries.reduce((sum, entry) => sum + (entry[key] ?? 0), 0);
    expect({ added: total('added'), changed: total('changed'), deleted: total('deleted') }).toEqual({ added: remainingNew, changed: remainingChanged, deleted: remainingDeleted });
    await second.terminate();

    // Consistent and complete: the store holds exactly the catalogs' chunks, each once, and every file on disk is indexed.
    const finalStored = await storedChunks(dataDirectory);
    let documents = 0;
    for (const namespace of await catalogs.listNamespaces()) {
      const catalog = await catalogs.load(namespace);
      const expected = Object.values(catalog?.documents ?? {}).flatMap((record) => record.chunkIds).sort();
      expect([...(finalStored.get(namespace)?.ids ?? [])].sort()).toEqual(expected);
      documents += Object.keys(catalog?.documents ?? {}).length;
    }
    expect(documents).toBe(initial.length + added.length - deleted.length);
    console.info(`[reliability:restart] killed reindex: ${orphanDocuments} documents written but not yet cataloged, ${replacedBeforeCatalog} edited documents replaced in the store while the catalog still named their old chunks; next run added ${total('added')}, changed ${total('changed')}, deleted ${total('deleted')}`);
  }, 150_000);

  // The LanceDB store's upsert is one commit (mergeInsert). It used to delete the ids being written
  // and then add the rows: a crash or error between the two lost the passages being replaced, and an
  // edited document had no chunk at all until the next run. Forced here with a row the table refuses.
  it('keeps the passages an upsert was replacing when the upsert fails', async () => {
    const store = await createLanceDbVectorStore({ directory: join(root, 'upsert-gap') });
    const namespace = `${TENANT}__runbooks`;
    const chunk = (id: string, text: string) => ({
      id, documentId: 'haproxy.md', collection: 'runbooks', title: 'HAProxy', headingPath: ['HAProxy'], text, contentHash: id,
      updatedAt: new Date().toISOString(), ordinal: 0, vector: [1, 0, 0, 0],
    });
    await store.upsert({ namespace, chunks: [chunk('haproxy.md#a', 'drain a haproxy backend with set server state drain'), chunk('haproxy.md#b', 'wait for zero sessions')] });
    // The same passage again, in a row the table cannot take: the write fails as a whole.
    await expect(store.upsert({ namespace, chunks: [{ ...chunk('haproxy.md#a', 'drain a haproxy backend with set server state drain'), vector: undefined as unknown as number[] }] })).rejects.toThrow();
    const [stats] = await store.stats();
    const hits = await store.query({ scope: createSearchScope(TENANT, ['runbooks']), lexicalQuery: 'set server state drain', topK: 5 });
    await store.close?.();
    expect(stats?.chunkCount).toBe(2);
    expect(hits.map((hit) => hit.chunk.id)).toEqual(['haproxy.md#a']);
  });
});
