import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSlackAdapter, type SlackAdapter } from '../../adapters/slack/index.js';
import { createBackgroundWork, type BackgroundWork } from '../../adapters/shared/background-work.js';
import { parsePolicy } from '../../src/config/policy-file.js';
import { createChatServices, type ChatServices, type ChatServicesDependencies } from '../../src/core/conversation/chat-services.js';
import type { HandledQuestion } from '../../src/core/conversation/handle-question.js';
import { handleReindex } from '../../src/core/conversation/handle-reindex.js';
import type { LanguageModel } from '../../src/core/ports/language-model.js';
import type { Question } from '../../src/core/question.js';
import { DEFAULT_RETRIEVAL_SETTINGS } from '../../src/core/retrieval/retrieval-settings.js';
import { silentLogger } from '../../src/core/ports/logger.js';
import { createExtractiveLanguageModel } from '../../src/providers/extractive/extractive-language-model.js';
import { createMemoryAuditSink } from '../../src/providers/memory/memory-audit-sink.js';
import { createMemoryEmbeddingCache } from '../../src/providers/memory/memory-embedding-cache.js';
import { createMemoryFeedbackStore } from '../../src/providers/memory/memory-feedback-store.js';
import { createMemoryIndexCatalogStore } from '../../src/providers/memory/memory-index-catalog-store.js';
import { createMemoryKeyValueStore } from '../../src/providers/memory/memory-key-value-store.js';
import { createMemoryMembershipDirectory } from '../../src/providers/memory/memory-membership-directory.js';
import { createMemoryVectorStore } from '../../src/providers/memory/memory-vector-store.js';
import { createInMemorySource, paragraphParser } from '../support/in-memory-documents.js';
import { signSlackRequest } from '../support/slack-signing.js';
import { FakeSlackWebApi } from './fake-slack-web-api.js';

/**
 * A Slack workspace in a box for the adapter's tests: the fake Web API, ChatServices over memory
 * stores and two indexed collections, and the real Bolt app served on a local HTTP server, driven
 * with signed requests exactly as Slack sends them.
 */

export const SIGNING_SECRET = '8f742231b10e8888abcd99b1c0ffee42';
export const BOT_TOKEN = 'xoxb-1234-5678-ragbottesttoken';
export const TEAM = 'T0ACME';
export const BOT_USER = 'U0RAGBOT';

export const POLICY = `tenants:
  ${TEAM}:
    collections:
      runbooks: { source: ./runbooks }
      security: { source: ./security }
    roles:
      everyone: { collections: [runbooks] }
      secops: { channels: [C0SECOPS], collections: [security] }
    admins: { users: [U0ADMIN] }
    channels:
      "#inc-*": { followThreads: true }
`;

export const DOCUMENTS = {
  runbooks: {
    'haproxy-drain.md':
      '# HAProxy drain\n\nDrain a haproxy backend server with set server be_app/web1 state drain on the admin socket before maintenance.\n\n' +
      'In ams2 the haproxy admin socket lives at /run/haproxy/ams2.sock instead of the default path.',
    'bgp-session-flap.md':
      '# BGP session flap\n\nWhen a BGP session flaps, check the hold timer and the interface error counters first.\n\n' +
      'Before clearing a flapping BGP session, announce the maintenance with <!channel> and @here in the network channel.',
  },
  security: {
    'secret-rotation.md': '# Secret rotation policy\n\nRotate the vault root token every 90 days; rotation exceptions are approved by the CISO.',
  },
};

export const slackFixture = (name: string): string => readFileSync(new URL(`../../adapters/slack/__fixtures__/${name}`, import.meta.url), 'utf8');

/** A fixture event with its fields replaced (the event's own fields under `event`). */
export const eventFixture = (name: string, patch: { event_id?: string; event?: Record<string, unknown>; [key: string]: unknown }) => {
  const body = JSON.parse(slackFixture(name)) as Record<string, unknown> & { event: Record<string, unknown> };
  const { event, ...rest } = patch;
  return { ...body, ...rest, event: { ...body.event, ...event } };
};

export type SlackWorkspace = Awaited<ReturnType<typeof startSlackWorkspace>>;

export const startSlackWorkspace = async (options: { languageModels?: LanguageModel[] } = {}) => {
  const api = await new FakeSlackWebApi({ token: BOT_TOKEN, teamId: TEAM, botUserId: BOT_USER, botId: 'B0RAGBOT' }).start();
  api
    .addChannel({ id: 'C0GENERAL', name: 'general', kind: 'public', members: ['U0ALICE', 'U0SEC', 'U0ADMIN', BOT_USER] })
    .addChannel({ id: 'C0SECOPS', name: 'secops', kind: 'private', members: ['U0SEC', BOT_USER] })
    .addChannel({ id: 'C0INC', name: 'inc-2231-bgp', kind: 'public', members: ['U0ALICE', BOT_USER] })
    .addChannel({ id: 'C0QUIET', name: 'quiet', kind: 'public', members: ['U0ALICE', BOT_USER] })
    .addChannel({ id: 'C0RANDOM', name: 'random', kind: 'public', members: ['U0ALICE'] })
    .addChannel({ id: 'D0ALICE', name: 'D0ALICE', kind: 'im', members: ['U0ALICE', BOT_USER] });

  const sources = { runbooks: createInMemorySource(DOCUMENTS.runbooks), security: createInMemorySource(DOCUMENTS.security) };
  const state = createMemoryKeyValueStore();
  const index = { store: createMemoryVectorStore(), catalogs: createMemoryIndexCatalogStore(), embeddingCache: createMemoryEmbeddingCache() };
  const audit = createMemoryAuditSink();
  const dependencies: ChatServicesDependencies = {
    ...index, policy: parsePolicy(POLICY, '/policy.yaml'), audit, state, feedback: createMemoryFeedbackStore(),
    limits: { perUser: { capacity: 100, refillPerSecond: 10 }, perChannel: { capacity: 100, refillPerSecond: 10 } },
    languageModels: options.languageModels ?? [createExtractiveLanguageModel()],
    settings: DEFAULT_RETRIEVAL_SETTINGS,
    reindex: { ...index, parser: paragraphParser, sourceFor: ({ collection }) => sources[collection as keyof typeof sources].source },
  };
  await handleReindex(
    { ...index, parser: paragraphParser, sourceFor: ({ collection }) => sources[collection as keyof typeof sources].source,
      policy: dependencies.policy, membership: createMemoryMembershipDirectory({ tenants: {} }), state },
    { tenantId: TEAM, userId: 'U0ADMIN' },
  );

  // What the core received and answered, by wrapping the services the adapter is given.
  const questions: Question[] = [];
  const handled: HandledQuestion[] = [];
  const errors: unknown[] = [];
  const background: BackgroundWork = createBackgroundWork((error) => errors.push(error));
  const adapter: SlackAdapter = createSlackAdapter({
    config: { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, apiUrl: api.apiUrl },
    services: (membership): ChatServices => {
      const services = createChatServices(dependencies, membership);
      return {
        ...services,
        handleQuestion: async (question, deliver, signal) => {
          questions.push(question);
          const result = await services.handleQuestion(question, deliver, signal);
          handled.push(result);
          return result;
        },
      };
    },
    logger: silentLogger, background, state,
  });

  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const route = adapter.routes.find((candidate) => candidate.method === request.method && candidate.path === path);
    if (route) void route.handle(request, response);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;

  const post = async (body: string, contentType: string, headers: Record<string, string> = {}) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
    const text = await response.text();
    return { status: response.status, text, json: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : undefined, at: performance.now() };
  };
  const signed = (body: string, timestamp?: number) => signSlackRequest(SIGNING_SECRET, body, timestamp);

  return {
    api, adapter, dependencies, sources, audit, questions, handled, errors, url,
    post,
    /** An Events API request, signed; `retryNum` adds Slack's redelivery headers. */
    sendEvent: (body: unknown, options: { retryNum?: number } = {}) => {
      const text = JSON.stringify(body);
      const retry: Record<string, string> = options.retryNum ? { 'x-slack-retry-num': String(options.retryNum), 'x-slack-retry-reason': 'http_timeout' } : {};
      return post(text, 'application/json', { ...signed(text), ...retry });
    },
    /** A slash command from the fixture form body with fields replaced; response_url points at the fake. */
    sendCommand: (fixture: string, fields: Record<string, string>) => {
      const form = new URLSearchParams(slackFixture(fixture));
      for (const [key, value] of Object.entries(fields)) form.set(key, value);
      if (!fields.response_url) form.set('response_url', api.responseUrl(form.get('trigger_id') ?? 'command'));
      const text = form.toString();
      return post(text, 'application/x-www-form-urlencoded', signed(text));
    },
    /** Waits until every answer, post and reaction started in the background has finished. */
    settle: async () => {
      if (!(await background.drain(20_000))) throw new Error('background work did not finish');
    },
    close: async () => {
      await background.drain(5_000);
      await adapter.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await api.close();
    },
  };
};
