import {
  CloudAdapter, TurnContext, type Activity, type ConversationReference,
} from 'botbuilder';
import type { ServiceClientCredentialsFactory } from 'botframework-connector';
import { cacheMemberships } from '../../src/core/access/cached-membership-directory.js';
import type { ChatServices } from '../../src/core/conversation/chat-services.js';
import { rateLimitedText } from '../../src/core/conversation/handle-question.js';
import type { KeyValueStore } from '../../src/core/ports/key-value-store.js';
import type { Logger } from '../../src/core/ports/logger.js';
import type { MembershipDirectory } from '../../src/core/ports/membership-directory.js';
import type { Question } from '../../src/core/question.js';
import { createDependencyPolicy, type DependencyPolicy } from '../../src/resilience/dependency-policy.js';
import { POLICY_SETTINGS } from '../../src/resilience/policy-settings.js';
import type { BackgroundWork } from '../shared/background-work.js';
import { createInOrder } from '../shared/in-order.js';
import type { PlatformAdapter } from '../shared/platform-adapter.js';
import {
  channelOf, cleanMessageText, feedbackOf, isThreadReply, mentionsBot, reactionsOf, tenantIdOf, threadOf, toQuestion, userIdOf, type TeamsChannel,
} from './convert-teams-activity.js';
import { refuseNonLoopbackServiceUrl } from './emulator-service-url.js';
import { createTeamsConnector, type TeamsConnector } from './post-teams-reply.js';
import { plainMessage, renderTeamsAnswer, type RenderOptions } from './render-teams-answer.js';
import { TeamsBotFrameworkAuthentication } from './teams-authentication.js';
import { readActivity, responseShim, sendJson } from './teams-http.js';
import { HELP_TEXT, parseCommand, runReindexCommand, type TeamsCommand } from './teams-commands.js';
import { appIdOf, botFrameworkSettings, type TeamsConfig } from './teams-config.js';
import { createConversationRegistry, createTeamsMembershipDirectory } from './teams-membership.js';
import { createThreadHistory } from './teams-thread-history.js';

export { loadTeamsConfig, type TeamsConfig } from './teams-config.js';

export type TeamsAdapterOptions = {
  config: TeamsConfig;
  /** The chat services, bound to the membership directory this adapter builds from Teams rosters. */
  services: (membership: MembershipDirectory) => ChatServices;
  logger: Logger;
  background: BackgroundWork;
  /** The 'teams-connector' policy for every outbound call (with the composition root's metrics); a default one otherwise. */
  policy?: DependencyPolicy;
  /** How replies are authenticated; by default from the config (the app password, certificate or managed identity). */
  credentialsFactory?: ServiceClientCredentialsFactory;
  /** Where the Bot Framework's signing keys are published (`ToBotFromChannelOpenIdMetadataUrl`); tests point it at a local one. */
  openIdMetadataUrl?: string;
  /**
   * Shared state: keeps the registry of known teams and chats across restarts and replicas, and
   * caches each user's memberships for five minutes (without it: memory, and rosters reused for a minute).
   */
  state?: KeyValueStore;
  /** In emulator mode only: the tenant of activities that carry none (the Bot Framework Emulator's). */
  emulatorTenantId?: string;
  render?: RenderOptions;
  /** At most one update of a reindex progress message per this many ms. */
  progressIntervalMs?: number;
  /** How long team rosters and channel lists are reused. */
  membershipCacheTtlMs?: number;
  path?: string;
};

// Memberships change rarely and roster calls are throttled: five minutes, as for Slack.
const MEMBERSHIP_TTL_MS = 5 * 60_000;
// In a 1:1 or group chat, earlier turns are context for a question only this soon after them.
const CHAT_CONTEXT_MS = 10 * 60_000;
const MISSING_TENANT_TEXT = "I can't tell which organization this conversation belongs to, so I can't answer here.";

/** Activities seen recently: commands are not deduplicated by the core, and Teams redelivers after 15 s. */
const recentIds = (ttlMs: number, max = 10_000) => {
  const seen = new Map<string, number>();
  return (id: string) => {
    const now = Date.now();
    for (const [key, at] of seen) {
      if (now - at < ttlMs && seen.size <= max) break;
      seen.delete(key);
    }
    if (seen.has(id)) return false;
    seen.set(id, now);
    return true;
  };
};

/**
 * Microsoft Teams on the real botbuilder `CloudAdapter` behind `POST /api/messages`. Each turn only
 * remembers the conversation and schedules the work (CloudAdapter holds the HTTP response until the
 * turn ends, and Teams retries after 15 s); answers are posted afterwards as threaded replies in a
 * proactive turn. Redeliveries are answered 200 and dropped by the core's dedupe on the activity id.
 */
export const createTeamsAdapter = (options: TeamsAdapterOptions): PlatformAdapter => {
  const { config, background } = options;
  const logger = options.logger.child({ adapter: 'teams' });
  const appId = appIdOf(config);
  const settings = botFrameworkSettings(config, options.openIdMetadataUrl ? { openIdMetadataUrl: options.openIdMetadataUrl } : {});
  const authentication = new TeamsBotFrameworkAuthentication(settings, options.credentialsFactory);
  const adapter = new CloudAdapter(authentication);
  if (config.mode === 'emulator') {
    logger.warn({ mode: 'emulator' }, 'Teams: no MicrosoftAppId, so requests are NOT authenticated and replies carry no token (emulator mode, for local use only: activities must name a loopback serviceUrl)');
  } else {
    logger.info({ mode: 'authenticated', appId, appType: config.appType }, 'Teams: Bot Framework authentication on');
  }

  const policy = options.policy ?? createDependencyPolicy('teams-connector', POLICY_SETTINGS['teams-connector']);
  const connector: TeamsConnector = createTeamsConnector({ adapter, appId, policy });
  const registry = createConversationRegistry({ logger, ...(options.state ? { state: options.state } : {}) });
  const directory = createTeamsMembershipDirectory({ connector, registry, ...(options.membershipCacheTtlMs === undefined ? {} : { cacheTtlMs: options.membershipCacheTtlMs }) });
  const membership = options.state ? cacheMemberships(directory, { state: options.state, ttlMs: MEMBERSHIP_TTL_MS }) : directory;
  const services = options.services(membership);
  const history = createThreadHistory();
  const firstTime = recentIds(24 * 3600_000);
  const progressIntervalMs = options.progressIntervalMs ?? 2_000;
  let stopped = false;

  // Failures reach the background's error handler (logged by the composition root).
  const schedule = (task: () => Promise<unknown>) => background.run(task);

  const renderOptions: RenderOptions = options.render ?? {};
  const answer = async (request: {
    activity: Partial<Activity>; reference: Partial<ConversationReference>; tenantId: string; userId: string; channel: TeamsChannel;
    text: string; invocation: Question['invocation'];
  }) => {
    const { activity, reference, tenantId, userId, channel, text, invocation } = request;
    const thread = threadOf(activity);
    // A channel thread is one topic; a chat is not: there, only a quick follow-up gets the earlier turns.
    const turns = history.turnsOf(thread.key, channel.conversationType === 'channel' ? {} : { withinMs: CHAT_CONTEXT_MS });
    const question = toQuestion(activity, { tenantId, userId, channel, text, invocation, history: turns });
    const handled = await services.handleQuestion(question, async (answer) => {
      const posted = await connector.reply(reference, renderTeamsAnswer(answer, renderOptions));
      return posted.id ? { messageRef: posted.id } : {};
    });
    if (handled.status === 'answered' && handled.answer.outcome !== 'refused') history.record(thread.key, text, handled.answer.text);
    if (handled.status === 'rate-limited') await connector.reply(reference, plainMessage(rateLimitedText(handled.retryAfterMs)));
    logger.debug({ activityId: activity.id, status: handled.status }, 'question handled');
  };

  const onMessage = async (activity: Activity) => {
    const channel = channelOf(activity);
    const userId = userIdOf(activity);
    if (!activity.id || !channel || !userId || activity.from?.id === activity.recipient?.id) return;
    // The Bot Framework Emulator sends no tenant; unauthenticated local use maps it to the local one.
    const tenantId = tenantIdOf(activity) ?? (config.mode === 'emulator' ? options.emulatorTenantId : undefined);
    const reference = TurnContext.getConversationReference(activity);
    const thread = threadOf(activity);

    let invocation: Question['invocation'] | undefined;
    if (channel.conversationType === 'personal') invocation = 'dm';
    else if (mentionsBot(activity)) invocation = 'mention';
    else if (tenantId && channel.conversationType === 'channel' && isThreadReply(activity) && history.answeredIn(thread.key)) {
      const known = await registry.find(tenantId, channel.id);
      const name = channel.name ?? known?.name;
      if (services.followsThreads(tenantId, name ? { id: channel.id, name } : { id: channel.id })) invocation = 'thread-followup';
    }
    if (!invocation) return; // not addressed to the bot

    const text = cleanMessageText(activity);
    if (!tenantId) {
      if (firstTime(`${channel.id}:${activity.id}`)) schedule(() => connector.reply(reference, plainMessage(MISSING_TENANT_TEXT)));
      return;
    }
    const command: TeamsCommand = invocation === 'thread-followup' ? { kind: 'question', text } : parseCommand(text);
    if (command.kind === 'question') {
      schedule(() => answer({ activity, reference, tenantId, userId, channel, text: command.text, invocation }));
      return;
    }
    if (!firstTime(`${tenantId}:${activity.id}`)) return; // a redelivered command
    if (command.kind === 'help') schedule(() => connector.reply(reference, plainMessage(HELP_TEXT)));
    else if (command.kind === 'usage') schedule(() => connector.reply(reference, plainMessage(command.message)));
    else {
      schedule(() =>
        runReindexCommand({ services, connector, reference, tenantId, userId, channelId: channel.id, command, progressIntervalMs, logger }),
      );
    }
  };

  // One user's reactions on one message apply in arrival order: like, its removal, then angry must
  // end as one "not helpful" even though each runs in the background.
  const inOrder = createInOrder();

  const onReaction = (activity: Activity) => {
    const userId = userIdOf(activity);
    const messageRef = activity.replyToId;
    if (!userId || !messageRef) return;
    for (const { reaction, added } of reactionsOf(activity)) {
      schedule(() =>
        inOrder(`${messageRef}:${userId}`, async () => {
          const outcome = await services.handleReaction({ platform: 'teams', messageRef, userId, reaction, added });
          logger.debug({ messageRef, reaction, added, outcome }, 'reaction handled');
        }),
      );
    }
  };

  const onInvoke = async (context: TurnContext) => {
    const { activity } = context;
    if (activity.name !== 'message/submitAction') return; // CloudAdapter answers 501 for other invokes
    // Teams wants 200 with an empty body, and shows its own "feedback submitted".
    await context.sendActivity({ type: 'invokeResponse', value: { status: 200 } });
    const feedback = feedbackOf(activity);
    const userId = userIdOf(activity);
    const messageRef = activity.replyToId;
    if (!feedback || !userId || !messageRef) return;
    schedule(() =>
      inOrder(`${messageRef}:${userId}`, async () => {
        const outcome = await services.handleReaction({
          platform: 'teams', messageRef, userId, reaction: feedback.reaction, added: true, ...(feedback.comment ? { comment: feedback.comment } : {}),
        });
        logger.debug({ messageRef, reaction: feedback.reaction, outcome }, 'feedback handled');
      }),
    );
  };

  const onTurn = async (context: TurnContext) => {
    const { activity } = context;
    const botRemoved = (activity.membersRemoved ?? []).some((member) => member.id === activity.recipient?.id);
    if (activity.type === 'conversationUpdate' && botRemoved) registry.forget(activity);
    else registry.remember(activity);
    if (activity.type === 'message') await onMessage(activity);
    else if (activity.type === 'messageReaction') onReaction(activity);
    else if (activity.type === 'invoke') await onInvoke(context);
    // conversationUpdate, installationUpdate, typing…: remembered above; nothing to say.
  };

  return {
    name: 'teams',
    routes: [
      {
        method: 'POST',
        path: options.path ?? '/api/messages',
        acknowledgement: true,
        handle: async (request, response) => {
          if (stopped) {
            response.setHeader('retry-after', '5');
            return sendJson(response, 503, { error: 'shutting down' });
          }
          const body = await readActivity(request);
          if (!body.ok) return sendJson(response, body.status, { error: body.error });
          const refused = config.mode === 'emulator' ? refuseNonLoopbackServiceUrl(body.value, logger) : undefined;
          if (refused) return sendJson(response, refused.status, { error: refused.error });
          await adapter.process({ method: request.method ?? 'POST', headers: request.headers, body: body.value }, responseShim(response), onTurn);
        },
      },
    ],
    async stop() {
      stopped = true;
      await registry.flush();
    },
  };
};
