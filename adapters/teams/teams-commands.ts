import type { ConversationReference } from 'botbuilder';
import { describeError } from '../../src/core/bot-error.js';
import type { ChatServices } from '../../src/core/conversation/chat-services.js';
import type { ReindexOutcome } from '../../src/core/conversation/handle-reindex.js';
import type { IndexSummary } from '../../src/core/indexing/index-collection.js';
import type { Logger } from '../../src/core/ports/logger.js';
import type { TeamsConnector } from './post-teams-reply.js';
import { plainMessage } from './render-teams-answer.js';

/**
 * The bot's commands, typed after the mention (or alone in a 1:1 chat), as the manifest's command
 * list offers them: `ask <question>`, `reindex [collection] [--full] [--dry-run]`, `help`. Anything
 * else is a question.
 */

export type TeamsCommand =
  | { kind: 'question'; text: string }
  | { kind: 'reindex'; collection?: string; full: boolean; dryRun: boolean }
  | { kind: 'help' }
  | { kind: 'usage'; message: string };

export const HELP_TEXT = [
  'Ask me about your documentation: mention me with a question in a channel, or just write to me here.',
  '',
  '- `ask <question>`: the same, spelled out',
  '- `reindex [collection] [--full] [--dry-run]`: re-read the documents (admins only)',
].join('\n');

export const REINDEX_USAGE = 'Usage: `reindex [collection] [--full] [--dry-run]`';
export const REINDEX_REFUSED = 'Only ragbot admins can reindex. Ask an admin, or see the policy file’s `admins`. (The attempt has been recorded.)';
export const REINDEX_UNAVAILABLE = 'Reindexing is not available: the access policy names no document sources.';

export const parseCommand = (text: string): TeamsCommand => {
  const trimmed = text.trim();
  const [word = '', ...rest] = trimmed.split(/\s+/);
  switch (word.toLowerCase()) {
    case 'ask': {
      const question = trimmed.slice(word.length).trim();
      return question ? { kind: 'question', text: question } : { kind: 'usage', message: 'Usage: `ask <question>`' };
    }
    case 'reindex': {
      const command: Extract<TeamsCommand, { kind: 'reindex' }> = { kind: 'reindex', full: false, dryRun: false };
      for (const token of rest) {
        if (token === '--full') command.full = true;
        else if (token === '--dry-run' || token === '--dryrun') command.dryRun = true;
        else if (token.startsWith('-') || command.collection !== undefined) return { kind: 'usage', message: REINDEX_USAGE };
        else command.collection = token;
      }
      return command;
    }
    case 'help':
    case '?':
      return rest.length === 0 ? { kind: 'help' } : { kind: 'question', text: trimmed };
    default:
      return { kind: 'question', text: trimmed };
  }
};

const summaryLine = (summary: IndexSummary) => {
  const counts = `${summary.added} added, ${summary.changed} changed, ${summary.deleted} deleted, ${summary.unchanged} unchanged`;
  const failed = summary.failed.length > 0 ? ` · ${summary.failed.length} unreadable (${summary.failed.slice(0, 3).map((file) => `${file.path}: ${file.reason}`).join('; ')}${summary.failed.length > 3 ? '; …' : ''})` : '';
  return `- **${summary.collection}**: ${counts}${failed} · ${summary.seconds.toFixed(1)} s`;
};

/** The final word of a reindex, for the progress message. */
export const reindexSummaryText = (outcome: ReindexOutcome, request: { dryRun: boolean }): string => {
  if (outcome.kind === 'refused') return REINDEX_REFUSED;
  if (outcome.kind === 'unknown-collection') {
    return `There is no collection "${outcome.collection}" to reindex here. Collections: ${outcome.known.join(', ') || 'none'}.`;
  }
  const lines = [`✅ ${request.dryRun ? 'Dry run finished (nothing was changed)' : 'Reindex finished'}:`, ...outcome.summaries.map(summaryLine)];
  if (outcome.joined.length > 0) lines.push(`Joined a run already in progress for ${outcome.joined.join(', ')}.`);
  return lines.join('\n');
};

/**
 * `reindex`: refused (and audit-logged by the core) for non-admins; for admins, one progress message
 * updated at most every `progressIntervalMs`, then replaced by the summary.
 */
export const runReindexCommand = async (options: {
  services: ChatServices;
  connector: TeamsConnector;
  reference: Partial<ConversationReference>;
  tenantId: string;
  userId: string;
  channelId: string;
  command: Extract<TeamsCommand, { kind: 'reindex' }>;
  progressIntervalMs: number;
  logger: Logger;
  now?: () => number;
}): Promise<ReindexOutcome | undefined> => {
  const { services, connector, reference, tenantId, userId, channelId, command, logger } = options;
  const now = options.now ?? Date.now;
  if (!services.handleReindex) {
    await connector.reply(reference, plainMessage(REINDEX_UNAVAILABLE));
    return undefined;
  }
  const request = {
    tenantId, userId, channelId, full: command.full, dryRun: command.dryRun,
    ...(command.collection ? { collection: command.collection } : {}),
  };
  if (!(await services.isAdmin(tenantId, userId))) {
    // The core refuses again, and writes the refusal to the audit log.
    const outcome = await services.handleReindex(request);
    await connector.reply(reference, plainMessage(REINDEX_REFUSED));
    return outcome;
  }

  const what = command.collection ?? 'every collection';
  const progress = await connector.reply(reference, plainMessage(`⏳ Reindexing ${what}${command.full ? ' (full)' : ''}${command.dryRun ? ' (dry run)' : ''}…`));
  let lastUpdate = now();
  let updates: Promise<void> = Promise.resolve();
  const update = (text: string) => {
    updates = updates
      .then(() => connector.update(reference, progress.id, plainMessage(text)))
      .catch((error: unknown) => logger.warn({ error: describeError(error) }, 'could not update the reindex progress message'));
    return updates;
  };
  let outcome: ReindexOutcome;
  try {
    outcome = await services.handleReindex({
      ...request,
      onProgress: (collection, { done, total }) => {
        if (now() - lastUpdate < options.progressIntervalMs || done >= total) return;
        lastUpdate = now();
        void update(`⏳ Reindexing ${collection}: ${done} of ${total} files…`);
      },
    });
  } catch (error) {
    await update(`❌ Reindexing failed: ${describeError(error)}`);
    throw error;
  }
  await update(reindexSummaryText(outcome, request));
  return outcome;
};
