import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config-schema.js';
import { createSearchScope } from '../src/core/access/search-scope.js';
import { answerQuestion } from '../src/core/answering/answer-question.js';
import { indexCollection } from '../src/core/indexing/index-collection.js';
import type { Question } from '../src/core/question.js';
import { createRuntime, type Runtime } from '../src/entry/runtime.js';
import type { DependencyName } from '../src/resilience/dependency-policy.js';
import { startFakeAnthropic, type FakeAnthropic } from './fakes/fake-anthropic.js';
import { startFakeOpenAI, type FakeOpenAI } from './fakes/fake-openai.js';
import { startFakePinecone, type FakePinecone } from './fakes/fake-pinecone.js';
import { citingReply } from './support/citing-reply.js';
import { createInMemorySource, paragraphParser } from './support/in-memory-documents.js';

const question = (text: string): Question => ({
  id: `q-${Math.random()}`, platform: 'cli', tenantId: 'acme', channel: { id: 'D1', kind: 'dm', external: false },
  user: { id: 'U1' }, text, invocation: 'cli', history: [], receivedAt: new Date(),
});

describe('production backends under faults (local fakes, real SDKs, cockatiel policies)', () => {
  let openai: FakeOpenAI;
  let anthropic: FakeAnthropic;
  let pinecone: FakePinecone;
  let directory: string;
  let runtime: Runtime;
  const outbound: string[] = [];
  const events: string[] = [];

  /** Every request the bot makes, refused unless it goes to this machine. */
  const loopbackOnly: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    outbound.push(url);
    if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(url)) throw new Error(`test request left the machine: ${url}`);
    return fetch(input, init);
  };

  beforeEach(async () => {
    [openai, anthropic, pinecone] = await Promise.all([
      startFakeOpenAI({ dimensions: 64, reply: citingReply() }),
      startFakeAnthropic({ reply: citingReply() }),
      startFakePinecone({ dimension: 64, apiKey: 'pc-test' }),
    ]);
    directory = await mkdtemp(join(tmpdir(), 'ragbot-faults-'));
    const config = loadConfig({
      RAGBOT_DATA_DIR: directory, RAGBOT_VECTOR_STORE: 'pinecone', PINECONE_API_KEY: 'pc-test', PINECONE_INDEX: pinecone.indexName,
      PINECONE_HOST: pinecone.url, RAGBOT_EMBEDDINGS: 'openai', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${openai.url}/v1`,
      RAGBOT_EMBEDDING_DIMENSIONS: '64', ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: anthropic.url,
    });
    events.length = 0;
    runtime = await createRuntime(config, {
      fetch: loopbackOnly,
      events: {
        onRetry: (dependency: DependencyName, event) => events.push(`${dependency} retry after ${event.delayMs}`),
        onBreakerState: (dependency, state) => events.push(`${dependency} ${state}`),
      },
    });
    const files = createInMemorySource({
      'haproxy.md': '# HAProxy drain\n\nTo drain a backend server run set server be_app/web1 state drain on the admin socket.\n\nWait until show stat reports zero sessions.',
      'vlan.md': '# VLAN standard\n\nBranch offices use VLAN 110 for voice and VLAN 120 for guests.',
    });
    await indexCollection({ ...runtime, parser: paragraphParser }, { source: files.source, tenantId: 'acme', collection: 'runbooks' });
    openai.clearRequests();
    anthropic.clearRequests();
  });

  afterEach(async () => {
    await runtime.close();
    await Promise.all([openai.close(), anthropic.close(), pinecone.close()]);
    await rm(directory, { recursive: true, force: true });
    expect(outbound.every((url) => url.startsWith('http://127.0.0.1:'))).toBe(true);
  });

  const ask = (text = 'how do I drain a haproxy backend server?') =>
    answerQuestion({ ...runtime, settings: runtime.config.retrieval }, { question: question(text), scope: createSearchScope('acme', ['runbooks']) });
  const chatRequests = () => openai.requests.filter((request) => request.path === '/v1/chat/completions').length;

  it('answers through OpenAI when everything is up, with a citation', async () => {
    const answer = await ask();
    expect(answer).toMatchObject({ outcome: 'answered', provider: 'openai:gpt-5.4-mini' });
    expect(answer.text).toMatch(/state drain.*\[1\]/);
    expect(answer.usage?.inputTokens).toBeGreaterThan(0);
  });

  it('honours a 429 Retry-After and then answers normally', async () => {
    openai.failNext(1, { status: 429, retryAfter: 1, pathPrefix: '/v1/chat' });
    const answer = await ask();
    expect(answer.outcome).toBe('answered');
    expect(events).toContain('llm:openai retry after 1000');
    expect(chatRequests()).toBe(2);
  });

  it('retries a 5xx by policy only (no SDK retries), then fails over to Anthropic, marked degraded', async () => {
    openai.failNext(100, { status: 503, pathPrefix: '/v1/chat' });
    const answer = await ask();
    expect(answer).toMatchObject({ outcome: 'degraded', provider: 'anthropic:claude-sonnet-5-5' });
    expect(answer.degradedReason).toMatch(/openai unavailable/);
    expect(chatRequests()).toBe(2);
    expect(anthropic.requests).toHaveLength(1);
  });

  it('never retries a 400', async () => {
    openai.failNext(1, { status: 400, pathPrefix: '/v1/chat' });
    const answer = await ask();
    expect(chatRequests()).toBe(1);
    expect(answer.provider).toBe('anthropic:claude-sonnet-5-5');
  });

  it('with both language models down, answers extractively, marked degraded', async () => {
    openai.failNext(100, { status: 500, pathPrefix: '/v1/chat' });
    anthropic.failNext(100, { status: 529 });
    const answer = await ask();
    expect(answer).toMatchObject({ outcome: 'degraded', provider: 'extractive:extractive-v1' });
    expect(answer.text).toContain('state drain');
    expect(answer.citations[0]?.path).toBe('haproxy.md');
  });

  it('opens the breaker after repeated failures and then fails fast without calling OpenAI', async () => {
    openai.failNext(1_000, { status: 500, pathPrefix: '/v1/chat' });
    for (let attempt = 0; attempt < 3; attempt++) await ask();
    expect(events).toContain('llm:openai open');
    const before = chatRequests();
    const answer = await ask();
    expect(chatRequests()).toBe(before);
    expect(answer.outcome).toBe('degraded');
    expect(answer.degradedReason).toMatch(/calls are paused/);
  });

  it('tells the user search is unavailable when the vector store is down, never an invented answer', async () => {
    pinecone.failNext(1_000, { status: 503 });
    const answer = await ask();
    expect(answer).toMatchObject({ outcome: 'degraded', citations: [] });
    expect(answer.text).toMatch(/Search is unavailable right now/);
    expect(chatRequests()).toBe(0);
  });

  it('tells the user search is unavailable when embeddings are down', async () => {
    openai.failNext(1_000, { status: 503, pathPrefix: '/v1/embeddings' });
    const answer = await ask('a question not asked before about drain');
    expect(answer.text).toMatch(/Search is unavailable right now/);
  });
});
