import { App, LogLevel, SocketModeReceiver, webApi, type Authorize, type Logger as BoltLogger } from '@slack/bolt';
import { cacheMemberships } from '../../src/core/access/cached-membership-directory.js';
import type { ChatServices } from '../../src/core/conversation/chat-services.js';
import type { KeyValueStore } from '../../src/core/ports/key-value-store.js';
import type { Logger } from '../../src/core/ports/logger.js';
import type { MembershipDirectory } from '../../src/core/ports/membership-directory.js';
import { createDependencyPolicy, type DependencyPolicy } from '../../src/resilience/dependency-policy.js';
import { POLICY_SETTINGS } from '../../src/resilience/policy-settings.js';
import type { BackgroundWork } from '../shared/background-work.js';
import type { HttpRoute, PlatformAdapter } from '../shared/platform-adapter.js';
import { readBodyWithin } from '../shared/read-body.js';
import { SLACK_REQUEST_LIMIT_MS, createSlackCall, createSlackPoster } from './post-slack-reply.js';
import { COMMAND_ACKS, registerCommands } from './slack-commands.js';
import { SLACK_API_URL, type SlackConfig } from './slack-config.js';
import { SlackHttpReceiver, type EarlyAck } from './slack-http-receiver.js';
import { registerEventListeners } from './slack-event-listeners.js';
import { createSlackMembership } from './slack-membership.js';
import { createSlackMemoryStore } from './slack-memory-store.js';
import { createAnsweredThreads, createResponder, type SlackRuntime } from './slack-runtime.js';
import { createThreadHistory, type BotIdentity } from './slack-thread-history.js';

export { fromEnvironment, type SlackConfig } from './slack-config.js';

export type SlackAdapterOptions = {
  config: SlackConfig;
  /** Binds the core to this adapter's membership directory (createChatServices at the composition root). */
  services: (membership: MembershipDirectory) => ChatServices;
  logger: Logger;
  background: BackgroundWork;
  /** The `slack-api` policy from the composition root (with its metrics); a default one otherwise. */
  policy?: DependencyPolicy;
  /** Shared state for caches (memberships, answered threads); process memory otherwise. */
  state?: KeyValueStore;
  /** For response_url posts; tests inject one that reaches a local fake. */
  fetch?: typeof fetch;
};

export type SlackAdapter = PlatformAdapter & { readonly app: App };

export const SLACK_EVENTS_PATH = '/slack/events';
// Memberships change rarely and users.conversations is rate-limited (tier 3): five minutes.
const MEMBERSHIP_TTL_MS = 5 * 60_000;

/** Bolt and the WebClient log through the bot's logger (pino), not the console. */
const boltLogger = (logger: Logger): BoltLogger => {
  const text = (parts: unknown[]) => parts.map((part) => (typeof part === 'string' ? part : String(part))).join(' ');
  return {
    debug: (...parts: unknown[]) => logger.debug({ source: 'bolt' }, text(parts)),
    info: (...parts: unknown[]) => logger.info({ source: 'bolt' }, text(parts)),
    warn: (...parts: unknown[]) => logger.warn({ source: 'bolt' }, text(parts)),
    error: (...parts: unknown[]) => logger.error({ source: 'bolt' }, text(parts)),
    setLevel: () => undefined, // the bot's logger has its own level
    getLevel: () => LogLevel.DEBUG,
    setName: () => undefined,
  };
};

// Bolt's own limit for a request body.
const BODY_LIMIT_BYTES = 4 * 1024 * 1024;

/**
 * Every Events API callback is acknowledged with an empty 200 (Bolt does the same before any
 * listener runs); commands as their listeners would (COMMAND_ACKS); anything else by Bolt.
 */
export const earlyAck: EarlyAck = (body) => {
  if (body.type === 'event_callback') {
    const event = body.event as { type?: unknown } | undefined;
    // function_executed is acknowledged by its listener (none here), as Bolt leaves it to them.
    return event?.type === 'function_executed' ? undefined : { body: undefined };
  }
  const acknowledge = typeof body.command === 'string' ? COMMAND_ACKS[body.command] : undefined;
  return acknowledge ? { body: acknowledge(body) } : undefined;
};

/**
 * The Slack adapter: a real Bolt app. Over HTTP, the receiver verifies each request's signature
 * by Bolt's rules (unsigned, mis-signed or more than five minutes off → 401) and is served as a
 * route of the bot's one HTTP server; with an app token, Socket Mode instead.
 */
export const createSlackAdapter = (options: SlackAdapterOptions): SlackAdapter => {
  const { config, background } = options;
  const logger = options.logger.child({ adapter: 'slack' });
  const policy = options.policy ?? createDependencyPolicy('slack-api', POLICY_SETTINGS['slack-api']);
  const call = createSlackCall(policy);
  const log = boltLogger(logger);
  // Retries belong to the policy (backoff, Retry-After, breaker): the WebClient makes one attempt
  // and reports a 429 at once instead of sleeping through it inside a policy attempt.
  const clientOptions = () => ({
    slackApiUrl: config.apiUrl ?? SLACK_API_URL,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: SLACK_REQUEST_LIMIT_MS,
  });
  const client = new webApi.WebClient(config.botToken, { ...clientOptions(), logger: log });
  const state = options.state ?? createSlackMemoryStore();
  const membership = cacheMemberships(createSlackMembership({ client, call }), { state, ttlMs: MEMBERSHIP_TTL_MS });

  // auth.test once, through the policy; a failure is not remembered, so the next event asks again.
  let identity: Promise<BotIdentity> | undefined;
  const botIdentity = (): Promise<BotIdentity> =>
    (identity ??= call('auth.test', () => client.auth.test())
      .then((result) => ({ botUserId: result.user_id ?? '', ...(result.bot_id ? { botId: result.bot_id } : {}) }))
      .catch((error: unknown) => {
        identity = undefined;
        throw error;
      }));
  const authorize: Authorize<boolean> = async () => {
    const { botUserId, botId } = await botIdentity();
    return { botToken: config.botToken, botUserId, ...(botId ? { botId } : {}) };
  };

  const receiver = config.appToken
    ? new SocketModeReceiver({ appToken: config.appToken, logger: log })
    : new SlackHttpReceiver({
        signingSecret: config.signingSecret, logger: log, earlyAck, defer: (task) => background.run(task),
      });
  const app = new App({ receiver, authorize, clientOptions: clientOptions(), logger: log, ignoreSelf: true, convoStore: false });
  app.error(async (error) => logger.error({ error: error.message, code: error.code }, 'slack listener failed'));

  const history = createThreadHistory({ client, call });
  const runtime: SlackRuntime = {
    services: options.services(membership),
    membership, poster: createSlackPoster({ client, call }), history, threads: createAnsweredThreads(state),
    background, logger, call, identity: botIdentity,
    respond: createResponder(call, options.fetch),
  };
  registerCommands(app, runtime);
  registerEventListeners(app, runtime);

  let connected = false;
  const routes: HttpRoute[] = [];
  if (receiver instanceof SlackHttpReceiver) {
    routes.push({
      method: 'POST',
      path: SLACK_EVENTS_PATH,
      acknowledgement: true,
      handle: async (request, response) => {
        const rawBody = await readBodyWithin(request, BODY_LIMIT_BYTES);
        if (!rawBody) return void response.writeHead(413).end();
        await receiver.handle(Object.assign(request, { rawBody }), response);
      },
    });
  }

  return {
    name: 'slack',
    app,
    routes,
    ...(config.appToken
      ? {
          start: async () => {
            await app.start();
            connected = true;
          },
        }
      : {}),
    stop: async () => {
      // Only a started Socket Mode connection has anything to close; HTTP routes belong to the shared server.
      if (connected) await app.stop();
      connected = false;
      history.clear();
    },
  };
};
