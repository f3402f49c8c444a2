import { writeFile } from 'node:fs/promises';
import { BotError } from '../../core/bot-error.js';
import type { AnswerRecord, FeedbackStore, Vote } from '../../core/ports/feedback-store.js';
import { buildFeedbackReport, type FeedbackReport } from '../../core/reporting/feedback-report.js';
import { renderHtmlReport } from './report-html.js';
import { renderTextReport, when } from './report-text.js';

export { escapeHtml, renderHtmlReport } from './report-html.js';
export { formatMs, renderTextReport } from './report-text.js';

export type ReportCommandOptions = {
  /** How far back: `30m`, `12h`, `7d`, `2w` (default 7d). */
  since?: string;
  json?: boolean;
  html?: boolean;
  /** Write the report to this file instead of standard output. */
  output?: string;
  /** How many answers each list keeps (default 20). */
  limit?: number;
};

/** The runtime satisfies this; tests pass a memory store. */
export type ReportCommandDependencies = { feedback: FeedbackStore; config?: { redisUrl?: string } };

export type ReportCommandIo = {
  now?: Date;
  /** Standard output (the report itself). */
  write?: (text: string) => void;
  /** Status lines ("report written to …"), on standard error by default. */
  status?: (text: string) => void;
  writeFile?: (path: string, content: string) => Promise<void>;
};

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;

/** `30m`, `12h`, `7d`, `2w` → the moment that long before `now`. */
export const parseSince = (value: string, now: Date): Date => {
  const match = /^(\d{1,6})([mhdw])$/.exec(value.trim().toLowerCase());
  const amount = match ? Number(match[1]) : 0;
  if (!match || amount <= 0) {
    throw new BotError('input_invalid', `--since "${value}" is not a period: use a positive number and a unit, such as 30m, 12h, 7d or 2w.`);
  }
  return new Date(now.getTime() - amount * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
};

const VOTE_BATCH = 32;

const readVotes = async (feedback: FeedbackStore, answers: AnswerRecord[]) => {
  const votesByAnswer = new Map<string, Vote[]>();
  for (let start = 0; start < answers.length; start += VOTE_BATCH) {
    const batch = answers.slice(start, start + VOTE_BATCH);
    const votes = await Promise.all(batch.map((answer) => feedback.votes(answer.answerId)));
    batch.forEach((answer, index) => votesByAnswer.set(answer.answerId, votes[index] ?? []));
  }
  return votesByAnswer;
};

/** Why a report can be empty, said where the figures would be. */
export const emptyNotice = (report: FeedbackReport, persistent: boolean): string | undefined => {
  if (report.totals.answers > 0) return undefined;
  const period = `No answers were recorded between ${when(report.period.since)} and ${when(report.period.until)}.`;
  return persistent
    ? `${period} Widen --since, or check that the server uses the same REDIS_URL.`
    : `${period} Without REDIS_URL, answers and votes live in the memory of the serving process, so this separate ` +
        '`ragbot report` process has no history: set REDIS_URL (on the server and here) to the same Redis to report on it.';
};

// ---------------------------------------------------------------------------------------------
// Formatting shared by text and HTML

/** `ragbot report`: the feedback report over a period, as text, JSON or a self-contained HTML page. */
export const runReportCommand = async (
  dependencies: ReportCommandDependencies,
  options: ReportCommandOptions,
  io: ReportCommandIo = {},
): Promise<number> => {
  if (options.json && options.html) throw new BotError('input_invalid', 'Choose one of --json and --html.');
  const limit = options.limit ?? 20;
  if (!Number.isInteger(limit) || limit < 1) throw new BotError('input_invalid', `--limit must be a positive whole number (got ${String(options.limit)}).`);
  const now = io.now ?? new Date();
  const since = parseSince(options.since ?? '7d', now);
  const answers = await dependencies.feedback.listAnswers({ since });
  const votesByAnswer = await readVotes(dependencies.feedback, answers);
  const report = buildFeedbackReport({ answers, votesByAnswer, since, now, limit });
  const notice = emptyNotice(report, Boolean(dependencies.config?.redisUrl));

  const content = options.json
    ? `${JSON.stringify({ ...report, ...(notice ? { notice } : {}) }, null, 2)}\n`
    : options.html
      ? renderHtmlReport(report, notice)
      : renderTextReport(report, notice);

  if (options.output) {
    await (io.writeFile ?? ((path, text) => writeFile(path, text, 'utf8')))(options.output, content);
    (io.status ?? ((text) => process.stderr.write(text)))(`report written to ${options.output}${notice ? ` (${notice})` : ''}\n`);
  } else {
    (io.write ?? ((text) => process.stdout.write(text)))(content);
  }
  return 0;
};
