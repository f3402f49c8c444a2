import type { DependencyName, PolicySettings } from './dependency-policy.js';

const base: PolicySettings = {
  timeoutMs: 10_000, maxAttempts: 3, initialDelayMs: 200, maxDelayMs: 5_000, breakAfter: 5, halfOpenAfterMs: 30_000, concurrency: 16, queue: 64,
};

/**
 * Per dependency: a language model may take long but few run at once; the vector store must be
 * quick; Redis fails over to memory, so it gives up fast; Slack asks clients to slow down (429).
 */
export const POLICY_SETTINGS: Record<DependencyName, PolicySettings> = {
  'llm:openai': { ...base, timeoutMs: 30_000, maxAttempts: 2, concurrency: 8, queue: 32 },
  'llm:anthropic': { ...base, timeoutMs: 30_000, maxAttempts: 2, concurrency: 8, queue: 32 },
  embeddings: { ...base, timeoutMs: 15_000 },
  vectorstore: { ...base, timeoutMs: 5_000 },
  // Posting an answer must wait its turn, never be dropped: the queue is sized for bursts, and the
  // answers feeding it are already bounded by the background work's concurrency.
  'slack-api': { ...base, maxDelayMs: 30_000, concurrency: 8, queue: 10_000 },
  'teams-connector': { ...base, concurrency: 8, queue: 10_000 },
  redis: { ...base, timeoutMs: 500, maxAttempts: 1, breakAfter: 3, halfOpenAfterMs: 5_000, concurrency: 64, queue: 512 },
  membership: { ...base, timeoutMs: 5_000 },
};
