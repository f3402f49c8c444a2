import { resolve } from 'node:path';
import { createBackgroundWork } from '../../../adapters/shared/background-work.js';
import { createIngressGate } from '../../../adapters/shared/ingress-gate.js';
import type { PlatformAdapter } from '../../../adapters/shared/platform-adapter.js';
import { createWebAdapter } from '../../../adapters/web/index.js';
import type { Config } from '../../config/config-schema.js';
import { parseNamespace } from '../../core/access/search-scope.js';
import { createChatServices, type ChatServicesDependencies } from '../../core/conversation/chat-services.js';
import type { Logger } from '../../core/ports/logger.js';
import { createDirectorySource } from '../../ingest/directory-source.js';
import { createMemoryMembershipDirectory } from '../../providers/memory/memory-membership-directory.js';
import { createLogger } from '../../observability/logger.js';
import { createMetrics } from '../../observability/metrics.js';
import { createHttpServer } from '../http-server.js';
import { openPolicy } from '../open-policy.js';
import { createReadiness } from '../readiness.js';
import { createRuntime, type Runtime } from '../runtime.js';
import { createPlatformAdapters } from '../platform-adapters.js';
import { indexDirectory } from './index-command.js';

const secretsOf = (config: Config, environment: NodeJS.ProcessEnv) =>
  [
    config.openai.apiKey, config.anthropic.apiKey, config.vectorStore.kind === 'pinecone' ? config.vectorStore.apiKey : undefined,
    environment.SLACK_BOT_TOKEN, environment.SLACK_SIGNING_SECRET, environment.SLACK_APP_TOKEN, environment.MicrosoftAppPassword,
  ].filter((secret): secret is string => Boolean(secret));

/** Without a policy: index the docs directory (each folder a collection) on every start; unchanged files cost nothing. */
const prepareOpenIndex = async (runtime: Runtime, logger: Logger) => {
  const directory = resolve(runtime.config.server.docsDirectory);
  logger.info({ directory }, 'indexing the documents (incremental)');
  const summaries = await indexDirectory(runtime, {
    directory, tenant: runtime.config.defaultTenant,
    onProgress: (collection, { done, total }) => {
      if (process.stderr.isTTY) process.stderr.write(`\rindexing ${collection}: ${done}/${total} files   `);
    },
  });
  if (process.stderr.isTTY) process.stderr.write('\n');
  for (const summary of summaries) {
    logger.info({ collection: summary.collection, added: summary.added, changed: summary.changed, deleted: summary.deleted, unchanged: summary.unchanged, seconds: summary.seconds }, 'indexed');
  }
  const collections = (await runtime.catalogs.listNamespaces())
    .map(parseNamespace)
    .filter((parsed) => parsed?.tenantId === runtime.config.defaultTenant)
    .map((parsed) => ({ name: parsed?.collection ?? '' }));
  return openPolicy(runtime.config.defaultTenant, collections);
};

/** `ragbot serve`: every platform on one port, metrics and health beside them, graceful shutdown. */
export const runServeCommand = async (config: Config, options: { port?: number } = {}): Promise<number> => {
  const logger = createLogger({ level: config.server.logLevel, secrets: secretsOf(config, process.env), logQuestions: config.server.logQuestions, pretty: process.stdout.isTTY });
  const metrics = createMetrics();
  const runtime = await createRuntime(config, { events: metrics.resilience, logger });
  const policy = runtime.policy ?? (await prepareOpenIndex(runtime, logger));
  // Answers start when no acknowledgement is due (see ingress-gate.ts).
  const ingress = createIngressGate();
  const background = createBackgroundWork((error) => logger.error({ error: error instanceof Error ? error.message : String(error) }, 'background answer failed'), { gate: ingress });
  const perMinute = (count: number) => ({ capacity: count, refillPerSecond: count / 60 });
  const dependencies: ChatServicesDependencies = {
    ...runtime, policy, settings: config.retrieval,
    limits: { perUser: perMinute(config.server.rateLimits.perUser), perChannel: perMinute(config.server.rateLimits.perChannel) },
    answerCache: { state: runtime.state, ttlMs: 10 * 60_000 },
    keepQuestionText: config.server.logQuestions,
    telemetry: {
      ...metrics.telemetry,
      onAnswered: (question, answer) => {
        metrics.telemetry.onAnswered?.(question, answer);
        logger.info({ questionId: question.id, answerId: answer.id, platform: question.platform, outcome: answer.outcome, ms: Math.round(answer.timings.totalMs), ...(config.server.logQuestions ? { questionText: question.text } : {}) }, 'answered');
      },
    },
    reindex: { ...runtime, sourceFor: ({ source }) => createDirectorySource({ root: source, supported: (path) => runtime.parser.canParse(path) }) },
  };
  const adapters: PlatformAdapter[] = await createPlatformAdapters({ config, dependencies, logger, background, events: metrics.resilience, state: runtime.state });
  if (config.server.web) {
    adapters.push(createWebAdapter({ tenantId: config.defaultTenant, services: createChatServices(dependencies, createMemoryMembershipDirectory({ tenants: {} })) }));
  }
  for (const adapter of adapters) await adapter.start?.();
  const server = createHttpServer({ routes: adapters.flatMap((adapter) => adapter.routes), registry: metrics.registry, readiness: createReadiness(runtime), logger, ingress });
  const port = options.port ?? config.server.port;
  await new Promise<void>((resolveListen) => server.listen(port, resolveListen));
  const address = server.address();
  logger.info({ port: typeof address === 'object' && address ? address.port : port, adapters: adapters.map((adapter) => adapter.name) }, 'ragbot is serving');

  return new Promise<number>((resolveExit) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal, inFlight: background.pending }, 'shutting down: finishing answers in flight');
      server.close();
      const deadline = Date.now() + config.server.shutdownTimeoutMs;
      const requestsDrained = await server.drainRequests(config.server.shutdownTimeoutMs);
      const drained = (await background.drain(Math.max(0, deadline - Date.now()))) && requestsDrained;
      if (!drained) logger.warn({ inFlight: background.pending + server.inFlight }, 'shutdown timeout: some answers were not finished');
      for (const adapter of adapters) await adapter.stop().catch(() => undefined);
      await runtime.close();
      server.closeAllConnections();
      logger.info({}, 'stopped');
      resolveExit(0);
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
  });
};
