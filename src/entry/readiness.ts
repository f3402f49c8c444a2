import type { Readiness } from './http-server.js';
import type { Runtime } from './runtime.js';

const within = <T>(promise: Promise<T>, milliseconds: number) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${milliseconds} ms`)), milliseconds))]);

/** Ready when the vector store answers, something is indexed, and Redis (when configured) is reachable. */
export const createReadiness = (runtime: Runtime): Readiness => async () => {
  const checks: Record<string, string> = {};
  let ready = true;
  try {
    const stats = await within(runtime.store.stats(), 2_000);
    checks.vectorstore = `ok (${stats.length} namespaces)`;
    if (stats.length === 0) {
      checks.index = 'nothing indexed yet';
      ready = false;
    }
  } catch (error) {
    checks.vectorstore = `unavailable: ${error instanceof Error ? error.message : String(error)}`;
    ready = false;
  }
  if (runtime.config.redisUrl) {
    try {
      await within(runtime.state.get('readyz'), 1_000);
      const mode = (runtime.state as { mode?: string }).mode;
      checks.redis = mode === 'fallback' ? 'unreachable: state is in memory' : 'ok';
      if (mode === 'fallback') ready = false;
    } catch (error) {
      checks.redis = `unavailable: ${error instanceof Error ? error.message : String(error)}`;
      ready = false;
    }
  }
  return { ready, checks };
};
