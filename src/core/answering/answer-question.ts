import { randomUUID } from 'node:crypto';
import { scopeKey, type SearchScope } from '../access/search-scope.js';
import { sha256 } from '../indexing/hash.js';
import type { KeyValueStore } from '../ports/key-value-store.js';
import type { Answer, Citation, RefusalReason } from '../answer.js';
import { describeError, isBotError, type BotErrorCode } from '../bot-error.js';
import { sectionOf } from '../chunk.js';
import type { LanguageModel, NumberedSource } from '../ports/language-model.js';
import { MAX_QUESTION_CHARACTERS, type Question } from '../question.js';
import type { FusedHit } from '../retrieval/fuse-scores.js';
import { retrieve, type RetrievalDependencies } from '../retrieval/retrieve.js';
import type { RetrievalSettings } from '../retrieval/retrieval-settings.js';
import { makeChatSafe } from './chat-safe.js';
import { checkCitationMarkers } from './citation-markers.js';
import { standaloneQuery } from './standalone-query.js';

export type AnswerDependencies = RetrievalDependencies & {
  /** In failover order; the last is normally the extractive answerer, which needs no network. */
  languageModels: LanguageModel[];
  settings: RetrievalSettings;
  /** Answers keyed by (tenant, scope, normalized question, index version); a reindex invalidates them. */
  answerCache?: { state: KeyValueStore; ttlMs: number };
};

const SNIPPET_CHARACTERS = 240;

const snippetOf = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= SNIPPET_CHARACTERS ? flat : `${flat.slice(0, SNIPPET_CHARACTERS - 1).trimEnd()}…`;
};

const toCitation = (hit: FusedHit, n: number): Citation => {
  const { chunk } = hit;
  const citation: Citation = {
    n,
    title: chunk.title,
    path: chunk.documentId,
    section: sectionOf(chunk),
    collection: chunk.collection,
    updatedAt: chunk.updatedAt,
    snippet: snippetOf(chunk.text),
    score: Math.round(hit.score * 1000) / 1000,
  };
  if (chunk.url) citation.url = chunk.url;
  if (chunk.anchor) citation.anchor = chunk.anchor;
  return citation;
};

export const NO_ANSWER_TEXT = "I couldn't find this in the documents available here.";
export const SEARCH_UNAVAILABLE_TEXT = 'Search is unavailable right now, so I cannot answer from the documents. Please try again in a few minutes.';

/** Failures of the search path that mean "try later", as opposed to a misconfigured index. */
const SEARCH_OUTAGES = new Set<BotErrorCode>(['vector_store_unavailable', 'circuit_open', 'timeout', 'provider_call_failed', 'state_unavailable']);

export const refusalText: Record<RefusalReason, string> = {
  'empty-question': 'Ask me a question about your documentation, for example: how do I drain a load balancer backend?',
  'question-too-long': `That question is too long: please keep it under ${MAX_QUESTION_CHARACTERS} characters.`,
  'unknown-tenant': 'This workspace is not set up for ragbot yet: ask an administrator to add it to the policy.',
  'no-collections': 'No document collection is open to everyone who can read this conversation, so I cannot answer here.',
  'external-channel': 'I do not answer in channels shared with other organizations.',
  'membership-unavailable': 'I could not check channel memberships right now, and no documents are open to everyone here: please try again shortly.',
};

/** The answer-question use case: validate, retrieve within the scope, abstain or answer with citations. */
export const answerQuestion = async (
  dependencies: AnswerDependencies,
  options: { question: Question; scope: SearchScope; signal?: AbortSignal },
): Promise<Answer> => {
  const started = performance.now();
  const { question, scope, signal } = options;
  const base = {
    id: randomUUID(),
    questionId: question.id,
    scope: [...scope.collections],
    cached: false,
  };
  const text = question.text.trim();
  const refusal: RefusalReason | undefined =
    text.length === 0 ? 'empty-question' : text.length > MAX_QUESTION_CHARACTERS ? 'question-too-long' : undefined;
  if (refusal) {
    return {
      ...base, outcome: 'refused', refusal, text: refusalText[refusal], citations: [], provider: 'none',
      timings: { retrieveMs: 0, generateMs: 0, totalMs: performance.now() - started },
    };
  }

  const query = standaloneQuery(question);
  // The cache is an optimisation: a key that cannot be computed (catalogs unreadable) means no cache, not no answer.
  const cacheKey = dependencies.answerCache ? await answerCacheKey(dependencies, scope, query).catch(() => undefined) : undefined;
  if (cacheKey && dependencies.answerCache) {
    const hit = await dependencies.answerCache.state.get(cacheKey).catch(() => undefined);
    if (hit) {
      const cached = JSON.parse(hit) as Pick<Answer, 'outcome' | 'text' | 'citations' | 'provider'>;
      return { ...base, ...cached, cached: true, timings: { retrieveMs: 0, generateMs: 0, totalMs: performance.now() - started } };
    }
  }
  const answer = await answerFromRetrieval(dependencies, { question, scope, query, base, started, signal });
  if (cacheKey && dependencies.answerCache && (answer.outcome === 'answered' || answer.outcome === 'no-answer') && !answer.warnings) {
    const { outcome, text, citations, provider } = answer;
    await dependencies.answerCache.state
      .set(cacheKey, JSON.stringify({ outcome, text, citations, provider }), { ttlMs: dependencies.answerCache.ttlMs })
      .catch(() => undefined);
  }
  return answer;
};

const normalizeQuestion = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').replace(/[?!.\s]+$/, '').trim();

const answerCacheKey = async (dependencies: AnswerDependencies, scope: SearchScope, query: string) => {
  const catalogs = await Promise.all(scope.namespaces.map((namespace) => dependencies.catalogs.load(namespace)));
  const version = catalogs.map((catalog) => catalog?.version ?? 0).join('.');
  return `answer:${scopeKey(scope)}:${version}:${sha256(normalizeQuestion(query))}`;
};

type AnswerBase = { id: string; questionId: string; scope: string[]; cached: boolean };

/** Retrieval, abstention and generation with failover: the uncached path. */
const answerFromRetrieval = async (
  dependencies: AnswerDependencies,
  options: { question: Question; scope: SearchScope; query: string; base: AnswerBase; started: number; signal?: AbortSignal },
): Promise<Answer> => {
  const { question, scope, query, base, started, signal } = options;
  const text = question.text.trim();
  let retrieval;
  try {
    retrieval = await retrieve(dependencies, { scope, query, settings: dependencies.settings, signal });
  } catch (error) {
    if (!isBotError(error) || !SEARCH_OUTAGES.has(error.code)) throw error;
    // Search is down: say so, never answer from anything else.
    return {
      ...base, outcome: 'degraded', degradedReason: `search unavailable: ${error.message}`, text: SEARCH_UNAVAILABLE_TEXT,
      citations: [], provider: 'none', timings: { retrieveMs: performance.now() - started, generateMs: 0, totalMs: performance.now() - started },
    };
  }
  const retrieveMs = performance.now() - started;
  const top = retrieval.ranking.slice(0, dependencies.settings.sources);
  if (top.length === 0 || retrieval.evidence < dependencies.settings.minEvidence) {
    return {
      ...base, outcome: 'no-answer', text: NO_ANSWER_TEXT, citations: [], provider: 'none',
      timings: { retrieveMs, generateMs: 0, totalMs: performance.now() - started },
    };
  }

  const sources: NumberedSource[] = top.map((hit, index) => ({
    n: index + 1, title: hit.chunk.title, section: sectionOf(hit.chunk), text: hit.chunk.text, score: hit.score,
  }));
  const failures: string[] = [];
  for (const model of dependencies.languageModels) {
    try {
      const generated = await model.generate({ question: text, history: question.history, sources, signal });
      if (generated.noAnswer) {
        return {
          ...base, outcome: 'no-answer', text: NO_ANSWER_TEXT, citations: [], provider: `${model.provider}:${model.modelId}`,
          ...(generated.usage ? { usage: generated.usage } : {}),
          timings: { retrieveMs, generateMs: performance.now() - started - retrieveMs, totalMs: performance.now() - started },
        };
      }
      const checked = checkCitationMarkers(makeChatSafe(generated.text), sources.length);
      const citations = checked.cited.map((original, index) => toCitation(top[original - 1] as FusedHit, index + 1));
      const generateMs = performance.now() - started - retrieveMs;
      const answer: Answer = {
        ...base,
        outcome: failures.length > 0 ? 'degraded' : 'answered',
        text: checked.text,
        citations,
        provider: `${model.provider}:${model.modelId}`,
        timings: { retrieveMs, generateMs, totalMs: performance.now() - started },
      };
      if (failures.length > 0) answer.degradedReason = failures.join('; ');
      if (generated.usage) answer.usage = generated.usage;
      if (citations.length === 0) answer.warnings = ['The answer cites no source.'];
      return answer;
    } catch (error) {
      signal?.throwIfAborted();
      failures.push(`${model.provider} unavailable: ${describeError(error)}`);
    }
  }
  // Every answerer failed: still show where the answer is rather than inventing one.
  const citations = top.map((hit, index) => toCitation(hit, index + 1));
  return {
    ...base, outcome: 'degraded', degradedReason: failures.join('; '),
    text: `I could not compose an answer right now, but these sources look relevant: ${citations.map((citation) => `[${citation.n}]`).join(' ')}`,
    citations, provider: 'none',
    timings: { retrieveMs, generateMs: performance.now() - started - retrieveMs, totalMs: performance.now() - started },
  };
};
