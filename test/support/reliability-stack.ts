import { resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createBackgroundWork, type BackgroundWork } from '../../adapters/shared/background-work.js';
import type { PlatformAdapter } from '../../adapters/shared/platform-adapter.js';
import { loadConfig, type Config } from '../../src/config/config-schema.js';
import { parseNamespace } from '../../src/core/access/search-scope.js';
import type { ChatServicesDependencies } from '../../src/core/conversation/chat-services.js';
import { indexDirectory } from '../../src/entry/commands/index-command.js';
import { createHttpServer, type RagbotServer } from '../../src/entry/http-server.js';
import { openPolicy } from '../../src/entry/open-policy.js';
import { createPlatformAdapters } from '../../src/entry/platform-adapters.js';
import { createReadiness } from '../../src/entry/readiness.js';
import { createRuntime, type Runtime } from '../../src/entry/runtime.js';
import { createDirectorySource } from '../../src/ingest/directory-source.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import type { DependencyName, PolicySettings } from '../../src/resilience/dependency-policy.js';
import { POLICY_SETTINGS } from '../../src/resilience/policy-settings.js';

/**
 * `ragbot serve` in the test process: the same composition as src/entry/commands/serve-command.ts
 * (createRuntime → open policy over the indexed docs, or the policy file → ChatServices →
 * createPlatformAdapters → createHttpServer with /metrics, /healthz and /readyz), on a free loopback
 * port. Used where a test needs what a child process cannot give: shortened policy timeouts, the
 * logger's lines in memory, or the runtime itself (its state store, its background work).
 *
 * Deliberate differences from serve-command.ts: no signal handlers and no web adapter; the policy
 * settings of chosen dependencies can be shortened (restored on close), so that "slower than the
 * timeout" takes a second instead of thirty.
 */

export type PolicyOverrides = Partial<Record<DependencyName, Partial<PolicySettings>>>;

export type ReliabilityStack = {
  url: string;
  config: Config;
  runtime: Runtime;
  metrics: Metrics;
  background: BackgroundWork;
  server: RagbotServer;
  adapters: PlatformAdapter[];
  /** Every log line the bot wrote (JSON), in order. */
  logLines: string[];
  /** The /metrics text, over HTTP as Prometheus would read it. */
  metricsText(): Promise<string>;
  /** Waits for answers, posts and reactions running in the background. */
  settle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
};

const shorten = (overrides: PolicyOverrides) => {
  const saved = new Map<DependencyName, PolicySettings>();
  for (const [name, patch] of Object.entries(overrides) as [DependencyName, Partial<PolicySettings>][]) {
    saved.set(name, { ...POLICY_SETTINGS[name] });
    Object.assign(POLICY_SETTINGS[name], patch);
  }
  return () => {
    for (const [name, settings] of saved) Object.assign(POLICY_SETTINGS[name], settings);
  };
};

export const startReliabilityStack = async (options: {
  /** The environment, as `ragbot serve` would read it (RAGBOT_DATA_DIR, REDIS_URL, SLACK_*, OPENAI_*…). */
  env: Record<string, string>;
  policyOverrides?: PolicyOverrides;
  logLevel?: string;
}): Promise<ReliabilityStack> => {
  const restorePolicies = shorten(options.policyOverrides ?? {});
  const config = loadConfig(options.env);
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) if (line) logLines.push(line);
      callback();
    },
  });
  const secrets = [
    config.openai.apiKey, config.anthropic.apiKey, config.vectorStore.kind === 'pinecone' ? config.vectorStore.apiKey : undefined,
    options.env.SLACK_BOT_TOKEN, options.env.SLACK_SIGNING_SECRET, options.env.MicrosoftAppPassword,
  ].filter((secret): secret is string => Boolean(secret));
  const logger = createLogger({ level: options.logLevel ?? 'info', secrets, logQuestions: false, destination });
  const metrics = createMetrics();
  const runtime = await createRuntime(config, { events: metrics.resilience, logger });

  let policy = runtime.policy;
  if (!policy) {
    await indexDirectory(runtime, { directory: resolve(config.server.docsDirectory), tenant: config.defaultTenant });
    const collections = (await runtime.catalogs.listNamespaces())
      .map(parseNamespace)
      .filter((parsed) => parsed?.tenantId === config.defaultTenant)
      .map((parsed) => ({ name: parsed?.collection ?? '' }));
    policy = openPolicy(config.defaultTenant, collections);
  }
  const background = createBackgroundWork((error) => logger.error({ error: error instanceof Error ? error.message : String(error) }, 'background answer failed'));
  const perMinute = (count: number) => ({ capacity: count, refillPerSecond: count / 60 });
  const dependencies: ChatServicesDependencies = {
    ...runtime, policy, settings: config.retrieval,
    limits: { perUser: perMinute(config.server.rateLimits.perUser), perChannel: perMinute(config.server.rateLimits.perChannel) },
    answerCache: { state: runtime.state, ttlMs: 10 * 60_000 },
    keepQuestionText: false,
    telemetry: metrics.telemetry,
    reindex: { ...runtime, sourceFor: ({ source }) => createDirectorySource({ root: source, supported: (path) => runtime.parser.canParse(path) }) },
  };
  const adapters = await createPlatformAdapters({
    config, dependencies, logger, background, events: metrics.resilience, state: runtime.state, environment: options.env,
  });
  const server = createHttpServer({ routes: adapters.flatMap((adapter) => adapter.routes), registry: metrics.registry, readiness: createReadiness(runtime), logger });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url, config, runtime, metrics, background, server, adapters, logLines,
    metricsText: async () => (await fetch(`${url}/metrics`)).text(),
    settle: async (timeoutMs = 30_000) => {
      if (!(await background.drain(timeoutMs))) throw new Error(`background work did not finish within ${timeoutMs} ms`);
    },
    close: async () => {
      server.close();
      await background.drain(5_000);
      for (const adapter of adapters) await adapter.stop().catch(() => undefined);
      server.closeAllConnections();
      await runtime.close();
      restorePolicies();
    },
  };
};

/**
 * The value of a Prometheus sample: the sum over every series of `name` whose labels include
 * `labels` (0 when none matches).
 */
export const metricValue = (text: string, name: string, labels: Record<string, string> = {}): number => {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const series = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => [key, value]));
    if (Object.entries(labels).every(([key, value]) => series[key] === value)) sum += Number(match[3]);
  }
  return sum;
};

/** Polls `read` until it returns a value (not undefined), or fails after `timeoutMs`. */
export const eventually = async <T>(read: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000, what = 'condition'): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not met within ${timeoutMs} ms`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 50));
  }
};

/** Nearest-rank percentile (p in 0..100) of a list of numbers. */
export const percentile = (values: number[], p: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
};

/** Runs `jobs` with at most `concurrency` in flight, in order of the list. */
export const runPool = async <T, R>(jobs: T[], concurrency: number, run: (job: T, index: number) => Promise<R>): Promise<R[]> => {
  const results: R[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, jobs.length) }, async () => {
      while (next < jobs.length) {
        const index = next++;
        results[index] = await run(jobs[index] as T, index);
      }
    }),
  );
  return results;
};
