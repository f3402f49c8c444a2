import type { App } from '@slack/bolt';
import { describeError } from '../../src/core/bot-error.js';
import { rateLimitedText } from '../../src/core/conversation/handle-question.js';
import type { ReindexOutcome } from '../../src/core/conversation/handle-reindex.js';
import { MAX_QUESTION_CHARACTERS } from '../../src/core/question.js';
import type { IndexProgress, IndexSummary } from '../../src/core/indexing/index-collection.js';
import { fromAskCommand, isSlashCommand, messageRefOf, tenantOf, toQuestion, type QuestionCandidate, type SlashCommand } from './convert-slack-event.js';
import { slackErrorCode } from './post-slack-reply.js';
import { renderNotice, renderQuestionRoot, renderSlackAnswer } from './render-slack-answer.js';
import type { AckBody } from './slack-http-receiver.js';
import { safeMrkdwn } from './slack-mrkdwn.js';
import { resolveChannel, type SlackRuntime } from './slack-runtime.js';

export const ASK_USAGE = 'Ask me about your documentation: `/ask how do I drain a haproxy backend?`';
export const LOOKING_UP = 'Looking that up…';
export const REINDEX_USAGE = 'Usage: `/reindex [collection] [--full] [--dry-run]` (admins only).';
const NOT_A_MEMBER = 'I am not a member of this conversation, so I cannot answer here: invite me (`/invite @ragbot`) or ask me in a DM.';
const CHECK_FAILED = 'I could not check this conversation with Slack just now, so I did not answer: please try again in a minute.';
const PROGRESS_INTERVAL_MS = 1_000;

/** `/ask`: the acknowledgement, decided from the request alone, and the question to answer, if any. */
export const triageAsk = (body: unknown): { ack: AckBody; candidate?: QuestionCandidate } => {
  const candidate = fromAskCommand(body);
  if (candidate.kind === 'ignored') return { ack: undefined };
  if (candidate.text === '') return { ack: { response_type: 'ephemeral', text: ASK_USAGE } };
  return { ack: { response_type: 'ephemeral', text: LOOKING_UP }, candidate };
};

/** `/reindex`: the acknowledgement, and the run to start (refusing non-admins is part of the run). */
export const triageReindex = (body: unknown): { ack: AckBody; run?: { command: SlashCommand; options: ReindexArguments } } => {
  if (!isSlashCommand(body)) return { ack: undefined };
  const parsed = parseReindexArguments(body.text);
  if ('error' in parsed) return { ack: { response_type: 'ephemeral', text: `${parsed.error}. ${REINDEX_USAGE}` } };
  return { ack: undefined, run: { command: body, options: parsed } };
};

/** The acknowledgement of each command, for the HTTP receiver to send before Bolt runs. */
export const COMMAND_ACKS: Record<string, (body: unknown) => AckBody> = {
  '/ask': (body) => triageAsk(body).ack,
  '/reindex': (body) => triageReindex(body).ack,
};

/**
 * Slash commands: `ack` is the HTTP response, so it carries at most a short ephemeral text and
 * everything slow runs in the background. Over HTTP the receiver has already sent the same
 * acknowledgement (COMMAND_ACKS) and `ack` does nothing; over Socket Mode `ack` sends it.
 */
export const registerCommands = (app: App, runtime: SlackRuntime): void => {
  app.command('/ask', async ({ command, ack }) => {
    const triage = triageAsk(command);
    await ack(triage.ack);
    const { candidate } = triage;
    if (candidate) runtime.background.run(() => answerAsk(runtime, candidate, (command as SlashCommand).response_url));
  });

  app.command('/reindex', async ({ command, ack }) => {
    const triage = triageReindex(command);
    await ack(triage.ack);
    const { run } = triage;
    if (run) runtime.background.run(() => reindex(runtime, run.command, run.options));
  });
};

// Slack says channel_not_found for private conversations the bot is not in, not_in_channel for public ones.
const notAMember = (error: unknown) => ['not_in_channel', 'channel_not_found'].includes(slackErrorCode(error) ?? '');

/** `/ask`: the question as a visible root message, the answer in its thread; problems said only to the asker. */
const answerAsk = async (runtime: SlackRuntime, candidate: QuestionCandidate, responseUrl: string): Promise<void> => {
  const channel = await resolveChannel(runtime, candidate).catch((error: unknown) => {
    runtime.logger.warn({ channelId: candidate.channelId, error: String(error) }, 'slack /ask: conversation not readable');
    return notAMember(error) ? NOT_A_MEMBER : CHECK_FAILED;
  });
  if (typeof channel === 'string') return runtime.respond(responseUrl, channel);
  try {
    const handled = await runtime.services.handleQuestion(toQuestion(candidate, channel, []), async (answer) => {
      const root = await runtime.poster.post({
        channel: channel.id, key: `${candidate.id}:question`, kind: 'question', payload: { question: candidate.text.slice(0, MAX_QUESTION_CHARACTERS) }, ...renderQuestionRoot(candidate.userId, candidate.text),
      });
      const ts = await runtime.poster.post({ channel: channel.id, threadTs: root, key: `${candidate.id}:answer`, kind: 'answer', ...renderSlackAnswer(answer) });
      await runtime.threads.remember(candidate.tenantId, channel.id, root);
      return { messageRef: messageRefOf(channel.id, ts) };
    });
    runtime.logger.info({ questionId: candidate.id, invocation: 'slash', status: handled.status }, 'slack question handled');
    if (handled.status === 'rate-limited') await runtime.respond(responseUrl, rateLimitedText(handled.retryAfterMs));
  } catch (error) {
    await runtime.respond(responseUrl, notAMember(error) ? NOT_A_MEMBER : 'Sorry, I could not post the answer here. Please try again in a minute.').catch(() => undefined);
    throw error;
  }
};

export type ReindexArguments = { collection?: string; full: boolean; dryRun: boolean };

export const parseReindexArguments = (text: string): ReindexArguments | { error: string } => {
  const parsed: ReindexArguments = { full: false, dryRun: false };
  for (const word of text.trim().split(/\s+/).filter(Boolean)) {
    if (word === '--full') parsed.full = true;
    else if (word === '--dry-run') parsed.dryRun = true;
    else if (word.startsWith('-')) return { error: `Unknown option ${word}` };
    else if (parsed.collection === undefined) parsed.collection = word;
    else return { error: 'Name at most one collection' };
  }
  return parsed;
};

/**
 * Updates one message at most once per `intervalMs` (Slack allows about one chat.update per
 * second per message); the latest text always lands, in order.
 */
export const createThrottledUpdater = (update: (text: string) => Promise<void>, intervalMs = PROGRESS_INTERVAL_MS) => {
  let lastAt = Number.NEGATIVE_INFINITY;
  let pending: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();
  const flush = () => {
    timer = undefined;
    if (pending === undefined) return;
    const text = pending;
    pending = undefined;
    lastAt = Date.now();
    chain = chain.then(() => update(text)).catch(() => undefined); // progress is best effort
  };
  return {
    push(text: string) {
      pending = text;
      if (timer) return;
      const wait = lastAt + intervalMs - Date.now();
      if (wait <= 0) flush();
      else timer = setTimeout(flush, wait);
    },
    async finish(text: string) {
      clearTimeout(timer);
      pending = text;
      const wait = lastAt + intervalMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      flush();
      await chain;
    },
  };
};

const progressText = (collection: string, progress: IndexProgress) =>
  `Reindexing \`${safeMrkdwn(collection)}\`: ${progress.done} / ${progress.total} files${progress.documentId ? ` (\`${safeMrkdwn(progress.documentId)}\`)` : ''}`;

const summaryLine = (summary: IndexSummary): string => {
  const counts = `${summary.added} added, ${summary.changed} changed, ${summary.deleted} deleted, ${summary.unchanged} unchanged`;
  const chunks = `${summary.chunksEmbedded} chunks embedded (${summary.chunksIndexed} indexed, ${summary.chunksDeleted} removed)`;
  const failed = summary.failed.map((file) => `\n    :warning: \`${safeMrkdwn(file.path)}\` could not be read: ${safeMrkdwn(file.reason)}`).join('');
  return `• \`${safeMrkdwn(summary.collection)}\`: ${counts} · ${chunks} in ${summary.seconds.toFixed(1)} s${failed}`;
};

export const reindexSummaryText = (outcome: Extract<ReindexOutcome, { kind: 'done' }>, options: ReindexArguments): string => {
  const mode = `${options.full ? 'full rebuild' : 'incremental'}${options.dryRun ? ', dry run: nothing was changed' : ''}`;
  const lines = [`*Reindex finished* (${mode})`, ...outcome.summaries.map(summaryLine)];
  for (const collection of outcome.joined) lines.push(`• \`${safeMrkdwn(collection)}\` was already being reindexed: this request joined that run.`);
  return lines.join('\n');
};

/** `/reindex`: admins only (refusals are audit-logged by the core and told only to the asker). */
const reindex = async (runtime: SlackRuntime, command: SlashCommand, options: ReindexArguments): Promise<void> => {
  const { services } = runtime;
  const tenantId = tenantOf(command) ?? command.team_id;
  const request = {
    tenantId, userId: command.user_id, channelId: command.channel_id, full: options.full, dryRun: options.dryRun,
    ...(options.collection ? { collection: options.collection } : {}),
  };
  if (!services.handleReindex) return runtime.respond(command.response_url, 'Reindexing is not available: no collection in the policy names a source.');
  if (!(await services.isAdmin(tenantId, command.user_id))) {
    await services.handleReindex(request); // refuses, and writes the attempt to the audit log
    return runtime.respond(command.response_url, 'Only ragbot admins can reindex. Ask an admin, or see the policy file’s `admins`.');
  }

  const what = options.collection ? `\`${safeMrkdwn(options.collection)}\`` : 'every collection';
  const thread = await runtime.poster
    .post({ channel: command.channel_id, key: `${command.trigger_id}:reindex`, kind: 'reindex', ...renderNotice(`<@${command.user_id}> started a reindex of ${what}.`) })
    .then(async (root) => {
      const progress = await runtime.poster.post({ channel: command.channel_id, threadTs: root, key: `${command.trigger_id}:progress`, kind: 'reindex', ...renderNotice('Starting…') });
      return { root, progress };
    })
    .catch((error: unknown) => {
      runtime.logger.warn({ error: String(error) }, 'slack reindex: cannot post in the channel; the summary goes to the admin only');
      return undefined;
    });
  const updater = createThrottledUpdater((text) =>
    thread ? runtime.poster.update({ channel: command.channel_id, ts: thread.progress, ...renderNotice(text) }) : Promise.resolve(),
  );
  let outcome: ReindexOutcome;
  try {
    outcome = await services.handleReindex({ ...request, onProgress: (collection, progress) => updater.push(progressText(collection, progress)) });
  } catch (error) {
    // Say so where the progress was shown, then let the background report the error.
    await updater.finish('Failed.');
    const failure = `Reindex failed: ${safeMrkdwn(describeError(error))}`;
    if (thread) await runtime.poster.post({ channel: command.channel_id, threadTs: thread.root, key: `${command.trigger_id}:summary`, kind: 'reindex', ...renderNotice(failure) }).catch(() => undefined);
    else await runtime.respond(command.response_url, failure).catch(() => undefined);
    throw error;
  }
  await updater.finish(outcome.kind === 'done' ? 'Done.' : 'Stopped.');

  const text =
    outcome.kind === 'done'
      ? reindexSummaryText(outcome, options)
      : outcome.kind === 'unknown-collection'
        ? `There is no collection \`${safeMrkdwn(outcome.collection)}\` to reindex. Known: ${outcome.known.map((name) => `\`${safeMrkdwn(name)}\``).join(', ') || 'none'}.`
        : 'Only ragbot admins can reindex.';
  if (thread) {
    await runtime.poster.post({ channel: command.channel_id, threadTs: thread.root, key: `${command.trigger_id}:summary`, kind: 'reindex', ...renderNotice(text) });
  } else {
    await runtime.respond(command.response_url, text);
  }
};
