import { describe, expect, it } from 'vitest';
import { createSearchScope } from '../access/search-scope.js';
import { indexCollection } from '../indexing/index-collection.js';
import type { LanguageModel } from '../ports/language-model.js';
import type { Question } from '../question.js';
import { DEFAULT_RETRIEVAL_SETTINGS } from '../retrieval/retrieval-settings.js';
import { createExtractiveLanguageModel } from '../../providers/extractive/extractive-language-model.js';
import { createMemoryEmbeddingCache } from '../../providers/memory/memory-embedding-cache.js';
import { createMemoryIndexCatalogStore } from '../../providers/memory/memory-index-catalog-store.js';
import { createMemoryVectorStore } from '../../providers/memory/memory-vector-store.js';
import { createInMemorySource, paragraphParser } from '../../../test/support/in-memory-documents.js';
import { answerQuestion, NO_ANSWER_TEXT } from './answer-question.js';

const question = (text: string): Question => ({
  id: 'q-1', platform: 'cli', tenantId: 'acme', channel: { id: 'cli', kind: 'dm', external: false },
  user: { id: 'u-1' }, text, invocation: 'cli', history: [], receivedAt: new Date(),
});

const setup = async (languageModels: LanguageModel[] = [createExtractiveLanguageModel()]) => {
  const store = createMemoryVectorStore();
  const catalogs = createMemoryIndexCatalogStore();
  const shared = { store, catalogs, parser: paragraphParser, embeddingCache: createMemoryEmbeddingCache() };
  const runbooks = createInMemorySource({
    'runbooks/haproxy.md': '# HAProxy drain\n\nTo drain a backend server run set server be_app/web1 state drain on the admin socket.\n\nWait until show stat reports zero current sessions.',
    'runbooks/bgp.md': '# BGP triage\n\nRun show bgp summary in vtysh to see which sessions are down.\n\nPing @here in #netops if the transit session flaps.',
  });
  const security = createInMemorySource({
    'security/secrets.md': '# Secret rotation\n\nDatabase passwords rotate every 90 days through the vault.',
  });
  await indexCollection(shared, { source: runbooks.source, tenantId: 'acme', collection: 'runbooks' });
  await indexCollection(shared, { source: security.source, tenantId: 'acme', collection: 'security' });
  const dependencies = { store, catalogs, languageModels, settings: DEFAULT_RETRIEVAL_SETTINGS };
  return (text: string, collections = ['runbooks', 'security']) =>
    answerQuestion(dependencies, { question: question(text), scope: createSearchScope('acme', collections) });
};

const failing = (provider: string): LanguageModel => ({
  provider, modelId: 'm', generate: async () => { throw new Error(`${provider} is down`); },
});

describe('answerQuestion', () => {
  it('answers with numbered citations to the passages it quotes', async () => {
    const ask = await setup();
    const answer = await ask('how do I drain an haproxy backend?');
    expect(answer.outcome).toBe('answered');
    expect(answer.text).toContain('state drain');
    expect(answer.text).toMatch(/\[1\]/);
    expect(answer.citations[0]).toMatchObject({ n: 1, path: 'runbooks/haproxy.md', title: 'HAProxy drain', collection: 'runbooks' });
    expect(answer.scope).toEqual(['runbooks', 'security']);
    expect(answer.provider).toBe('extractive:extractive-v1');
  });

  it('says it found nothing rather than guessing when the documents do not cover the question', async () => {
    const ask = await setup();
    const answer = await ask('what is the kafka consumer lag alert threshold?');
    expect(answer).toMatchObject({ outcome: 'no-answer', text: NO_ANSWER_TEXT, citations: [] });
  });

  it('only cites collections in the scope', async () => {
    const ask = await setup();
    const inScope = await ask('how often do database passwords rotate?', ['security']);
    expect(inScope.citations[0]?.collection).toBe('security');
    const outOfScope = await ask('how often do database passwords rotate?', ['runbooks']);
    expect(outOfScope.citations.every((citation) => citation.collection === 'runbooks')).toBe(true);
    expect(outOfScope.text).not.toContain('90 days');
  });

  it('refuses empty and oversize questions with the reason', async () => {
    const ask = await setup();
    expect(await ask('   ')).toMatchObject({ outcome: 'refused', refusal: 'empty-question' });
    expect(await ask('why '.repeat(600))).toMatchObject({ outcome: 'refused', refusal: 'question-too-long' });
  });

  it('never lets document text ping a channel', async () => {
    const ask = await setup();
    const answer = await ask('bgp transit session flaps who do I ping in netops');
    expect(answer.outcome).toBe('answered');
    expect(answer.text).not.toMatch(/@here/);
  });

  it('fails over to the next answerer and marks the answer degraded', async () => {
    const ask = await setup([failing('openai'), createExtractiveLanguageModel()]);
    const answer = await ask('how do I drain an haproxy backend?');
    expect(answer.outcome).toBe('degraded');
    expect(answer.degradedReason).toContain('openai unavailable: openai is down');
    expect(answer.citations.length).toBeGreaterThan(0);
  });

  it('still shows the sources when every answerer fails', async () => {
    const ask = await setup([failing('openai'), failing('anthropic')]);
    const answer = await ask('how do I drain an haproxy backend?');
    expect(answer.outcome).toBe('degraded');
    expect(answer.citations[0]?.path).toBe('runbooks/haproxy.md');
  });

  it('drops markers that point at no source and flags an answer that cites nothing', async () => {
    const model: LanguageModel = { provider: 'fake', modelId: 'f', generate: async () => ({ text: 'Use the admin socket [7].' }) };
    const ask = await setup([model]);
    const answer = await ask('how do I drain an haproxy backend?');
    expect(answer.text).toBe('Use the admin socket.');
    expect(answer.citations).toEqual([]);
    expect(answer.warnings).toEqual(['The answer cites no source.']);
  });
});

describe('the answer cache', () => {
  it('serves a repeated question from the cache, keyed on scope and index version', async () => {
    const { createMemoryKeyValueStore } = await import('../../providers/memory/memory-key-value-store.js');
    const store = createMemoryVectorStore();
    const catalogs = createMemoryIndexCatalogStore();
    const shared = { store, catalogs, parser: paragraphParser, embeddingCache: createMemoryEmbeddingCache() };
    const files = createInMemorySource({ 'runbooks/haproxy.md': '# HAProxy drain\n\nTo drain a backend server run set server state drain.' });
    await indexCollection(shared, { source: files.source, tenantId: 'acme', collection: 'runbooks' });
    let generated = 0;
    const counting: LanguageModel = { ...createExtractiveLanguageModel(), generate: async (options) => (generated++, createExtractiveLanguageModel().generate(options)) };
    const dependencies = { store, catalogs, languageModels: [counting], settings: DEFAULT_RETRIEVAL_SETTINGS, answerCache: { state: createMemoryKeyValueStore(), ttlMs: 60_000 } };
    const ask = (text: string) => answerQuestion(dependencies, { question: question(text), scope: createSearchScope('acme', ['runbooks']) });

    const first = await ask('How do I drain a backend server?');
    const second = await ask('how do i drain a backend server');
    expect([first.cached, second.cached]).toEqual([false, true]);
    expect(second.text).toBe(first.text);
    expect(generated).toBe(1);

    files.write('runbooks/haproxy.md', '# HAProxy drain\n\nTo drain a backend server use the acme-drain tool.');
    await indexCollection(shared, { source: files.source, tenantId: 'acme', collection: 'runbooks' });
    const afterReindex = await ask('how do I drain a backend server?');
    expect(afterReindex.cached).toBe(false);
    expect(afterReindex.text).toContain('acme-drain');
  });
});

describe('when search is down', () => {
  it('says search is unavailable and cites nothing, instead of answering from anything else', async () => {
    const { BotError } = await import('../bot-error.js');
    const store = createMemoryVectorStore();
    const catalogs = createMemoryIndexCatalogStore();
    const files = createInMemorySource({ 'runbooks/a.md': '# A\n\nDrain a server with state drain.' });
    await indexCollection({ store, catalogs, parser: paragraphParser, embeddingCache: createMemoryEmbeddingCache() }, { source: files.source, tenantId: 'acme', collection: 'runbooks' });
    const down = { ...store, query: async () => { throw new BotError('circuit_open', 'vectorstore is failing'); } };
    const answer = await answerQuestion(
      { store: down, catalogs, languageModels: [createExtractiveLanguageModel()], settings: DEFAULT_RETRIEVAL_SETTINGS },
      { question: question('how do I drain a server?'), scope: createSearchScope('acme', ['runbooks']) },
    );
    expect(answer).toMatchObject({ outcome: 'degraded', citations: [] });
    expect(answer.text).toMatch(/Search is unavailable right now/);
    expect(answer.degradedReason).toContain('vectorstore is failing');
  });
});
