/**
 * The bot under test for the chat-path benchmark, in its own process: what `ragbot serve` runs for
 * one platform (the runtime over a LanceDB index of the docs, an open policy, ChatServices, the
 * real Slack or Teams adapter, the project's HTTP server with metrics and health routes), pointed
 * at fakes that the driver (chat-path-scenario.ts) hosts in another process.
 *
 *   node --import tsx bench/chat-bot-process.ts --platform slack|teams --data-dir <dir> --directory examples/docs \
 *     --tenant <id> [--slack-api-url <url> --signing-secret <hex> --bot-token <xoxb-…>] [--app-id <guid> --openid-url <url>]
 *
 * Prints `{"url": …}` when listening. On stdin: `answerer extractive|fake-llm` switches the answerer
 * (fake-llm: the extractive answer, delivered after a fixed 500 ms, as a remote LLM would be);
 * `stats` prints peak RSS, CPU time and pending background work; closing stdin stops it.
 *
 * Deliberate differences from `ragbot serve`: rate limits are raised (a benchmark burst from a few
 * hundred users would otherwise be mostly rate-limited replies), the answer cache is off (every
 * request is computed), and the logger is silent.
 */
import { createInterface } from 'node:readline';
import type { ServiceClientCredentialsFactory } from 'botframework-connector';
import { createBackgroundWork } from '../adapters/shared/background-work.js';
import { createIngressGate } from '../adapters/shared/ingress-gate.js';
import type { PlatformAdapter } from '../adapters/shared/platform-adapter.js';
import { createSlackAdapter } from '../adapters/slack/index.js';
import { createTeamsAdapter } from '../adapters/teams/index.js';
import { parseNamespace } from '../src/core/access/search-scope.js';
import { createChatServices, type ChatServicesDependencies } from '../src/core/conversation/chat-services.js';
import type { LanguageModel } from '../src/core/ports/language-model.js';
import { silentLogger } from '../src/core/ports/logger.js';
import { indexDirectory } from '../src/entry/commands/index-command.js';
import { createHttpServer } from '../src/entry/http-server.js';
import { openPolicy } from '../src/entry/open-policy.js';
import { createReadiness } from '../src/entry/readiness.js';
import { createMetrics } from '../src/observability/metrics.js';
import { createExtractiveLanguageModel } from '../src/providers/extractive/extractive-language-model.js';
import { createFixedLatencyModel } from './fixed-latency-model.js';
import { openRuntime, parseArguments, requireArgument } from './scenario-support.js';

export const FAKE_LLM_LATENCY_MS = 500;
const UNLIMITED = { capacity: 1_000_000, refillPerSecond: 1_000_000 };

/** Outbound Bot Framework credentials that sign with a fixed token: no identity platform to call. */
const fixedTokenCredentials = (appId: string, token: string) =>
  ({
    isValidAppId: async (candidate: string) => candidate === appId,
    isAuthenticationDisabled: async () => false,
    createCredentials: async () => ({
      signRequest: async (resource: { headers: { set(name: string, value: string): void } }) => {
        resource.headers.set('authorization', `Bearer ${token}`);
        return resource;
      },
    }),
  }) as unknown as ServiceClientCredentialsFactory;

export const OUTBOUND_TOKEN = 'bench-outbound-token';

const values = parseArguments(process.argv.slice(2));
const platform = requireArgument(values, 'platform');
const tenant = requireArgument(values, 'tenant');
const runtime = await openRuntime({ dataDirectory: requireArgument(values, 'data-dir'), embeddings: 'none' });
// Incremental: the first bot process indexes the docs, the next ones find nothing changed.
await indexDirectory(runtime, { directory: requireArgument(values, 'directory'), tenant });
const collections = (await runtime.catalogs.listNamespaces())
  .map(parseNamespace)
  .filter((parsed) => parsed?.tenantId === tenant)
  .map((parsed) => ({ name: parsed?.collection ?? '' }));

const extractive = createExtractiveLanguageModel();
const languageModels: LanguageModel[] = [extractive];
const dependencies: ChatServicesDependencies = {
  ...runtime, languageModels, policy: openPolicy(tenant, collections), settings: runtime.config.retrieval, limits: { perUser: UNLIMITED, perChannel: UNLIMITED },
};
const errors: string[] = [];
const ingress = createIngressGate();
const background = createBackgroundWork((error) => errors.push(error instanceof Error ? error.message : String(error)), { gate: ingress });
const services = (membership: Parameters<typeof createChatServices>[1]) => createChatServices(dependencies, membership);

let adapter: PlatformAdapter;
if (platform === 'slack') {
  adapter = createSlackAdapter({
    config: { botToken: requireArgument(values, 'bot-token'), signingSecret: requireArgument(values, 'signing-secret'), apiUrl: requireArgument(values, 'slack-api-url') },
    services, logger: silentLogger, background, state: runtime.state,
  });
} else if (platform === 'teams') {
  const appId = requireArgument(values, 'app-id');
  adapter = createTeamsAdapter({
    config: { mode: 'authenticated', appId, appType: 'MultiTenant', appPassword: 'unused-by-the-benchmark' },
    services, logger: silentLogger, background, state: runtime.state,
    credentialsFactory: fixedTokenCredentials(appId, OUTBOUND_TOKEN),
    openIdMetadataUrl: requireArgument(values, 'openid-url'),
  });
} else {
  throw new Error(`--platform must be slack or teams, not "${platform}"`);
}
await adapter.start?.();
const metrics = createMetrics();
const server = createHttpServer({ routes: adapter.routes, registry: metrics.registry, readiness: createReadiness(runtime), logger: silentLogger, ingress });
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const address = server.address();
const port = typeof address === 'object' && address ? address.port : 0;
const path = adapter.routes.find((route) => route.method === 'POST')?.path ?? '/';
process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}${path}`, collections: collections.length })}\n`);

const cpuAtStart = process.cpuUsage();
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [command, argument] = line.trim().split(/\s+/);
  if (command === 'answerer') {
    languageModels.splice(0, languageModels.length, argument === 'fake-llm' ? createFixedLatencyModel(FAKE_LLM_LATENCY_MS) : extractive);
    process.stdout.write(`${JSON.stringify({ answerer: argument })}\n`);
  } else if (command === 'stats') {
    const cpu = process.cpuUsage(cpuAtStart);
    process.stdout.write(`${JSON.stringify({
      peakRssMb: Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10,
      cpuSeconds: Math.round((cpu.user + cpu.system) / 1000) / 1000,
      pending: background.pending,
      errors: errors.length,
      firstErrors: errors.slice(0, 3),
    })}\n`);
  }
});
lines.on('close', () => {
  void (async () => {
    await background.drain(10_000);
    await adapter.stop();
    server.closeAllConnections();
    server.close();
    await runtime.close();
    process.exit(0);
  })();
});
