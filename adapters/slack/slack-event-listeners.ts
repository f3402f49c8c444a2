import type { App } from '@slack/bolt';
import { rateLimitedText } from '../../src/core/conversation/handle-question.js';
import { createInOrder } from '../shared/in-order.js';
import { fromAppMention, fromMessage, fromReaction, messageRefOf, toQuestion, type Ignored, type QuestionCandidate } from './convert-slack-event.js';
import { renderSlackAnswer } from './render-slack-answer.js';
import { resolveChannel, type SlackRuntime } from './slack-runtime.js';

/**
 * Events are acknowledged by Bolt before any listener runs (HTTP 200 at once), so Slack's
 * 3-second deadline never depends on an answer. Listeners only translate: convert, then hand the
 * work to the background, where the core's dedupe turns redeliveries (X-Slack-Retry-Num) into
 * "duplicate" and nothing else happens.
 */
export const registerEventListeners = (app: App, runtime: SlackRuntime): void => {
  const { logger, background } = runtime;
  const skip = (ignored: Ignored, what: string) => logger.debug({ reason: ignored.reason }, `slack ${what} ignored`);

  app.event('app_mention', async ({ body, event }) => {
    const { botUserId } = await runtime.identity();
    const candidate = fromAppMention(body, event, botUserId);
    if (candidate.kind === 'ignored') return skip(candidate, 'app_mention');
    background.run(() => answerInThread(runtime, candidate));
  });

  app.event('message', async ({ body, event }) => {
    const { botUserId } = await runtime.identity();
    const candidate = fromMessage(body, event, botUserId);
    if (candidate.kind === 'ignored') return skip(candidate, 'message');
    background.run(() => answerInThread(runtime, candidate));
  });

  // Reactions of one user on one message are applied in arrival order: 👍, its removal, then 👎
  // must end as one 👎 even when the three requests are handled concurrently.
  const inOrder = createInOrder();
  for (const type of ['reaction_added', 'reaction_removed'] as const) {
    app.event(type, async ({ body, event }) => {
      const candidate = fromReaction(body, event);
      if (candidate.kind === 'ignored') return skip(candidate, type);
      const { messageRef, userId, reaction, added } = candidate;
      background.run(() =>
        inOrder(`${messageRef}:${userId}`, async () => {
          const outcome = await runtime.services.handleReaction({ platform: 'slack', messageRef, userId, reaction, added });
          logger.debug({ messageRef, reaction, added, outcome }, 'slack reaction handled');
        }),
      );
    });
  }
};

/** A mention, a DM or a thread follow-up: answered in its thread, with the thread so far as history. */
export const answerInThread = async (runtime: SlackRuntime, candidate: QuestionCandidate): Promise<void> => {
  const { services, logger } = runtime;
  const threadTs = candidate.threadTs ?? candidate.messageTs ?? '';
  if (candidate.invocation === 'thread-followup') {
    // Cheapest checks first: most thread replies in a channel are not for the bot.
    if (!services.knowsTenant(candidate.tenantId)) return;
    if (!(await runtime.threads.answered(candidate.tenantId, candidate.channelId, threadTs))) return;
  }
  const channel = await resolveChannel(runtime, candidate);
  if (candidate.invocation === 'thread-followup' && !services.followsThreads(candidate.tenantId, channel)) {
    logger.debug({ channelId: channel.id }, 'slack thread follow-up ignored: the channel does not follow threads');
    return;
  }
  const bot = await runtime.identity();
  const history =
    candidate.inThread && candidate.messageTs
      ? await runtime.history.before({ channel: candidate.channelId, threadTs, messageTs: candidate.messageTs, bot })
      : [];
  const question = toQuestion(candidate, channel, history, threadTs);
  const handled = await services.handleQuestion(question, async (answer) => {
    const ts = await runtime.poster.post({ channel: channel.id, threadTs, key: `${question.id}:answer`, kind: 'answer', ...renderSlackAnswer(answer) });
    await runtime.threads.remember(question.tenantId, channel.id, threadTs);
    return { messageRef: messageRefOf(channel.id, ts) };
  });
  logger.info({ questionId: question.id, invocation: question.invocation, status: handled.status }, 'slack question handled');
  if (handled.status === 'rate-limited') {
    await runtime.poster.ephemeral({ channel: channel.id, user: question.user.id, threadTs, text: rateLimitedText(handled.retryAfterMs) });
  }
};
