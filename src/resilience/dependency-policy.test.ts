import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BotError, isBotError } from '../core/bot-error.js';
import { createDependencyPolicy, type PolicySettings, type ResilienceEvents } from './dependency-policy.js';

const settings: PolicySettings = {
  timeoutMs: 1_000, maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 5_000, breakAfter: 3, halfOpenAfterMs: 30_000, concurrency: 4, queue: 4,
};

const transient = (retryAfterSeconds?: number) =>
  new BotError('provider_call_failed', 'HTTP 503', retryAfterSeconds === undefined ? { retryable: true } : { retryable: true, retryAfterSeconds });

/** Runs a call while advancing fake time until it settles. */
const settle = async <T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> => {
  const outcome = promise.then((value) => ({ value }), (error: unknown) => ({ error }));
  for (let step = 0; step < 200; step++) await vi.advanceTimersByTimeAsync(250);
  return outcome;
};

describe('the dependency policy', () => {
  let events: Required<ResilienceEvents> & { log: string[] };
  beforeEach(() => {
    vi.useFakeTimers();
    const log: string[] = [];
    events = {
      log,
      onRetry: (dependency, event) => log.push(`${dependency} retry ${event.attempt} after ${event.delayMs}`),
      onBreakerState: (dependency, state) => log.push(`${dependency} ${state}`),
      onGiveUp: (dependency) => log.push(`${dependency} gave up`),
    };
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('retries retryable failures with backoff and returns the eventual success', async () => {
    const policy = createDependencyPolicy('llm:openai', settings, events);
    const call = vi.fn().mockRejectedValueOnce(transient()).mockRejectedValueOnce(transient()).mockResolvedValue('ok');
    expect((await settle(policy.execute(call))).value).toBe('ok');
    expect(call).toHaveBeenCalledTimes(3);
    expect(events.log.filter((line) => line.includes('retry'))).toHaveLength(2);
  });

  it('waits exactly as long as Retry-After says', async () => {
    const policy = createDependencyPolicy('embeddings', settings, events);
    const call = vi.fn().mockRejectedValueOnce(transient(2)).mockResolvedValue('ok');
    await settle(policy.execute(call));
    expect(events.log).toContain('embeddings retry 1 after 2000');
  });

  it('never retries a non-retryable error such as a 400', async () => {
    const policy = createDependencyPolicy('llm:anthropic', settings, events);
    const call = vi.fn().mockRejectedValue(new BotError('provider_call_failed', 'HTTP 400 bad request'));
    const { error } = await settle(policy.execute(call));
    expect((error as Error).message).toBe('HTTP 400 bad request');
    expect(call).toHaveBeenCalledTimes(1);
  });

  it('gives up after its attempts, then opens the breaker and fails fast without calling', async () => {
    const policy = createDependencyPolicy('vectorstore', { ...settings, maxAttempts: 2, breakAfter: 4, halfOpenAfterMs: 3_600_000 }, events);
    const call = vi.fn().mockRejectedValue(transient());
    await settle(policy.execute(call));
    await settle(policy.execute(call));
    expect(call).toHaveBeenCalledTimes(4);
    expect(events.log).toContain('vectorstore open');
    const { error } = await settle(policy.execute(call));
    expect(isBotError(error, 'circuit_open')).toBe(true);
    expect(call).toHaveBeenCalledTimes(4);
  });

  it('closes the breaker again after a successful half-open probe', async () => {
    const policy = createDependencyPolicy('redis', { ...settings, maxAttempts: 1, breakAfter: 1, halfOpenAfterMs: 10_000 }, events);
    await settle(policy.execute(vi.fn().mockRejectedValue(transient())));
    await vi.advanceTimersByTimeAsync(10_000);
    expect((await settle(policy.execute(vi.fn().mockResolvedValue('back')))).value).toBe('back');
    expect(events.log.slice(-2)).toEqual(['redis half-open', 'redis closed']);
  });

  it('times out a slow attempt, aborting its signal, and retries it', async () => {
    const policy = createDependencyPolicy('slack-api', { ...settings, maxAttempts: 2 }, events);
    const signals: AbortSignal[] = [];
    const call = vi.fn((signal: AbortSignal) => {
      signals.push(signal);
      return new Promise<string>(() => undefined);
    });
    const { error } = await settle(policy.execute(call));
    expect(isBotError(error, 'timeout')).toBe(true);
    expect(call).toHaveBeenCalledTimes(2);
    expect(signals.every((signal) => signal.aborted)).toBe(true);
  });

  it('rejects calls beyond its bulkhead instead of queueing without bound', async () => {
    const policy = createDependencyPolicy('teams-connector', { ...settings, timeoutMs: 3_600_000, concurrency: 1, queue: 0 }, events);
    let release: (value: string) => void = () => undefined;
    const first = policy.execute(() => new Promise<string>((resolve) => (release = resolve)));
    const { error } = await settle(policy.execute(async () => 'second'));
    expect(isBotError(error, 'provider_call_failed')).toBe(true);
    expect((error as BotError).retryable).toBe(true);
    release('first');
    expect((await settle(first)).value).toBe('first');
  });
});
