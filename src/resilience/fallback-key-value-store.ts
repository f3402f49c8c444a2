import { isBotError } from '../core/bot-error.js';
import type { KeyValueStore } from '../core/ports/key-value-store.js';
import type { DependencyPolicy } from './dependency-policy.js';

const UNAVAILABLE = ['state_unavailable', 'circuit_open', 'timeout'] as const;
/** Redis failing or paused by its breaker (as opposed to a bug): the errors a fallback absorbs. */
export const stateUnavailable = (error: unknown) => UNAVAILABLE.some((code) => isBotError(error, code));

/**
 * Redis when it answers, process memory when it does not (design §8): the bot keeps answering
 * through a Redis outage, and says so through `onModeChange` (a metric). While degraded, state is
 * per process, so two replicas may both answer one redelivered event: the price of staying up.
 */
export const createFallbackKeyValueStore = (options: {
  primary: KeyValueStore;
  fallback: KeyValueStore;
  policy: DependencyPolicy;
  onModeChange?: (mode: 'primary' | 'fallback', reason?: string) => void;
}): KeyValueStore & { readonly mode: 'primary' | 'fallback' } => {
  const { primary, fallback, policy } = options;
  let mode: 'primary' | 'fallback' = 'primary';
  const switchTo = (next: typeof mode, reason?: string) => {
    if (mode === next) return;
    mode = next;
    options.onModeChange?.(next, reason);
  };
  const run = async <T>(call: (store: KeyValueStore) => Promise<T>): Promise<T> => {
    try {
      const result = await policy.execute(() => call(primary));
      switchTo('primary');
      return result;
    } catch (error) {
      if (!stateUnavailable(error)) throw error;
      switchTo('fallback', error instanceof Error ? error.message : String(error));
      return call(fallback);
    }
  };
  // Keys written to memory while Redis was unreachable keep counting once it is back, until they
  // expire or are deleted: otherwise an event answered during a Redis blip would be answered again
  // when redelivered, and a lock taken then would not be seen.
  return {
    provider: `${primary.provider}+${fallback.provider}`,
    get mode() {
      return mode;
    },
    get: async (key) => (await run((store) => store.get(key))) ?? fallback.get(key),
    set: (key, value, setOptions) => run((store) => store.set(key, value, setOptions)),
    setIfAbsent: async (key, value, setOptions) =>
      (await fallback.get(key)) === undefined && run((store) => store.setIfAbsent(key, value, setOptions)),
    delete: async (key) => {
      await run((store) => store.delete(key));
      await fallback.delete(key);
    },
    deleteIfEquals: async (key, value) => {
      const deleted = await run((store) => store.deleteIfEquals(key, value));
      return (await fallback.deleteIfEquals(key, value)) || deleted;
    },
    takeToken: (key, bucket) => run((store) => store.takeToken(key, bucket)),
    close: async () => {
      await primary.close?.();
      await fallback.close?.();
    },
  };
};
