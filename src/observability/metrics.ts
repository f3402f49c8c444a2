import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Answer } from '../core/answer.js';
import type { ConversationTelemetry } from '../core/conversation/conversation-telemetry.js';
import type { Question } from '../core/question.js';
import type { DependencyName, ResilienceEvents } from '../resilience/dependency-policy.js';

/** The metrics of design §8, on a registry of their own (tests create as many as they like). */
export const createMetrics = () => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ragbot_' });
  const questions = new Counter({
    name: 'ragbot_questions_total', help: 'Questions by platform, invocation and outcome',
    labelNames: ['platform', 'invocation', 'outcome'] as const, registers: [registry],
  });
  const latency = new Histogram({
    name: 'ragbot_answer_duration_seconds', help: 'Answer latency by stage', labelNames: ['stage'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30], registers: [registry],
  });
  const feedback = new Counter({
    name: 'ragbot_feedback_total', help: 'Feedback votes by sentiment and collection (removals counted separately)',
    labelNames: ['platform', 'sentiment', 'collection', 'change'] as const, registers: [registry],
  });
  const cache = new Counter({ name: 'ragbot_answer_cache_total', help: 'Answer cache hits and misses', labelNames: ['result'] as const, registers: [registry] });
  const emptyResults = new Counter({ name: 'ragbot_empty_results_total', help: 'Questions the documents did not answer', labelNames: ['platform'] as const, registers: [registry] });
  const duplicates = new Counter({ name: 'ragbot_duplicate_events_total', help: 'Redelivered events answered once', labelNames: ['platform'] as const, registers: [registry] });
  const rateLimited = new Counter({ name: 'ragbot_rate_limited_total', help: 'Questions refused by a rate limit', labelNames: ['limit'] as const, registers: [registry] });
  const deliveryFailures = new Counter({ name: 'ragbot_delivery_failures_total', help: 'Answers that could not be posted', labelNames: ['platform'] as const, registers: [registry] });
  const breaker = new Gauge({ name: 'ragbot_breaker_open', help: '1 while a dependency\'s circuit breaker is open', labelNames: ['dependency'] as const, registers: [registry] });
  const retries = new Counter({ name: 'ragbot_retries_total', help: 'Retries per dependency', labelNames: ['dependency'] as const, registers: [registry] });
  const giveUps = new Counter({ name: 'ragbot_dependency_failures_total', help: 'Calls that failed after retries', labelNames: ['dependency'] as const, registers: [registry] });
  const tokens = new Counter({ name: 'ragbot_llm_tokens_total', help: 'Language model tokens', labelNames: ['provider', 'kind'] as const, registers: [registry] });
  const stateFallback = new Gauge({ name: 'ragbot_state_fallback', help: '1 while Redis is unreachable and state is kept in memory', registers: [registry] });
  const reindexRuns = new Counter({ name: 'ragbot_reindex_runs_total', help: 'Reindex runs by collection and result', labelNames: ['collection', 'result'] as const, registers: [registry] });
  const reindexChunks = new Counter({ name: 'ragbot_reindex_chunks_total', help: 'Chunks indexed and embedded by reindex runs', labelNames: ['collection', 'kind'] as const, registers: [registry] });

  const recordAnswer = (question: Pick<Question, 'platform' | 'invocation'>, answer: Answer) => {
    questions.inc({ platform: question.platform, invocation: question.invocation, outcome: answer.outcome });
    latency.observe({ stage: 'retrieve' }, answer.timings.retrieveMs / 1000);
    latency.observe({ stage: 'generate' }, answer.timings.generateMs / 1000);
    latency.observe({ stage: 'total' }, answer.timings.totalMs / 1000);
    cache.inc({ result: answer.cached ? 'hit' : 'miss' });
    if (answer.outcome === 'no-answer') emptyResults.inc({ platform: question.platform });
    if (answer.usage) {
      const provider = answer.provider.split(':')[0] ?? 'unknown';
      tokens.inc({ provider, kind: 'input' }, answer.usage.inputTokens);
      tokens.inc({ provider, kind: 'output' }, answer.usage.outputTokens);
    }
  };

  const telemetry: ConversationTelemetry = {
    onAnswered: recordAnswer,
    onDuplicate: (question) => duplicates.inc({ platform: question.platform }),
    onRateLimited: (_question, limit) => rateLimited.inc({ limit }),
    onDeliveryFailed: (question) => deliveryFailures.inc({ platform: question.platform }),
    onFeedback: ({ platform, sentiment, collections, removed }) => {
      for (const collection of collections.length ? collections : ['none']) {
        feedback.inc({ platform, sentiment, collection, change: removed ? 'removed' : 'added' });
      }
    },
  };

  const resilience: ResilienceEvents & { onStateMode(mode: 'primary' | 'fallback'): void } = {
    onRetry: (dependency: DependencyName) => retries.inc({ dependency }),
    onGiveUp: (dependency: DependencyName) => giveUps.inc({ dependency }),
    onBreakerState: (dependency: DependencyName, state) => breaker.set({ dependency }, state === 'open' ? 1 : 0),
    onStateMode: (mode) => stateFallback.set(mode === 'fallback' ? 1 : 0),
  };

  return {
    registry,
    telemetry,
    resilience,
    recordAnswer,
    recordReindex: (collection: string, result: 'done' | 'refused' | 'failed', chunks?: { indexed: number; embedded: number }) => {
      reindexRuns.inc({ collection, result });
      if (chunks) {
        reindexChunks.inc({ collection, kind: 'indexed' }, chunks.indexed);
        reindexChunks.inc({ collection, kind: 'embedded' }, chunks.embedded);
      }
    },
  };
};

export type Metrics = ReturnType<typeof createMetrics>;
