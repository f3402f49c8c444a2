import type { FeedbackReport, RatedAnswer, ReportSource, SentimentCounts } from '../../core/reporting/feedback-report.js';

export const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

export const formatMs = (ms: number | null): string => {
  if (ms === null) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
};

export const percent = (ratio: number | null) => (ratio === null ? '–' : `${Math.round(ratio * 100)}%`);

export const countsLine = (counts: SentimentCounts) =>
  [
    counts.notHelpful ? `${counts.notHelpful} not helpful` : '',
    counts.helpful ? `${counts.helpful} helpful` : '',
    counts.outdated ? `${counts.outdated} outdated` : '',
    counts.missing ? `${counts.missing} missing` : '',
  ].filter(Boolean).join(', ');

const sourceLabel = (source: ReportSource) => `${source.path} (${source.collection})${source.title ? ` "${source.title}"` : ''}${source.section ? ` › ${source.section}` : ''}`;

const compactMs = (ms: number) => (ms < 1000 ? `${ms}ms` : `${ms / 1000}s`);

export const bucketLabel = (upToMs: number | null, previous: number | undefined) =>
  upToMs === null ? `> ${compactMs(previous ?? 0)}` : `≤ ${compactMs(upToMs)}`;

// ---------------------------------------------------------------------------------------------
// Text

/** Record text on a terminal: no control characters (escape sequences), one line. */
const plain = (text: string) => text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();

const table = (header: string[], rows: string[][]) => {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].map((row) => `  ${row}`);
};

const ratedLines = (entry: RatedAnswer, index: number) => [
  `  ${index + 1}. ${when(entry.at)}, ${plain(entry.platform)} channel ${plain(entry.channelId)}: ${countsLine(entry.votes)}  [answer ${plain(entry.answerId)}, ${plain(entry.outcome)}]`,
  ...(entry.questionText !== undefined ? [`     question: ${plain(entry.questionText)}`] : []),
  ...(entry.sources.length ? entry.sources.map((source) => `     source: ${plain(sourceLabel(source))}`) : ['     source: none']),
  ...entry.comments.map((comment) => `     comment (${comment.sentiment}): "${plain(comment.comment)}"`),
];

export const renderTextReport = (report: FeedbackReport, notice?: string): string => {
  const { totals, latency } = report;
  const lines = [`ragbot feedback report, ${when(report.period.since)} to ${when(report.period.until)}`, ''];
  if (notice) lines.push(notice, '');
  lines.push(
    `Answers: ${totals.answers}${report.outcomes.length ? ` (${report.outcomes.map((entry) => `${plain(entry.outcome)} ${entry.count}`).join(', ')})` : ''}`,
    `Votes: ${totals.votes} on ${totals.answersWithVotes} answer${totals.answersWithVotes === 1 ? '' : 's'}: helpful ${totals.helpful}, not helpful ${totals.notHelpful}, outdated ${totals.outdated}, missing ${totals.missing}`,
    `Satisfaction: ${percent(totals.satisfaction)}${totals.satisfaction === null ? ' (no helpful or not-helpful votes)' : ` (${totals.helpful} helpful of ${totals.helpful + totals.notHelpful})`}`,
    `Latency (total, ${latency.count} answers): p50 ${formatMs(latency.p50)}, p90 ${formatMs(latency.p90)}, p95 ${formatMs(latency.p95)}, p99 ${formatMs(latency.p99)}, max ${formatMs(latency.max)}`,
  );

  lines.push('', 'Satisfaction by collection');
  if (report.satisfactionByCollection.length === 0) lines.push('  no answers');
  else {
    lines.push(...table(
      ['collection', 'answers', 'helpful', 'not helpful', 'outdated', 'missing', 'satisfaction'],
      report.satisfactionByCollection.map((entry) => [
        plain(entry.collection), String(entry.answers), String(entry.helpful), String(entry.notHelpful), String(entry.outdated), String(entry.missing), percent(entry.satisfaction),
      ]),
    ));
  }

  lines.push('', 'Worst-rated answers (most not-helpful votes)');
  if (report.worstRated.length === 0) lines.push('  none');
  report.worstRated.forEach((entry, index) => lines.push(...ratedLines(entry, index)));

  lines.push('', 'Documents to update (cited by answers voted outdated)');
  if (report.outdated.documents.length === 0) lines.push('  none');
  for (const document of report.outdated.documents) {
    lines.push(
      `  ${plain(document.path)} (${plain(document.collection)})${document.title ? ` "${plain(document.title)}"` : ''}: ` +
        `${document.outdatedVotes} outdated vote${document.outdatedVotes === 1 ? '' : 's'} on ${document.answers} answer${document.answers === 1 ? '' : 's'}` +
        `${document.sections.length ? `; sections: ${document.sections.map(plain).join(', ')}` : ''}`,
    );
  }
  if (report.outdated.answers.length > 0) {
    lines.push('', 'Answers voted outdated');
    report.outdated.answers.forEach((entry, index) => lines.push(...ratedLines(entry, index)));
  }

  const { unanswered } = report;
  lines.push('', `Unanswered questions (outcome no-answer): ${unanswered.total}`);
  if (unanswered.total > 0 && unanswered.questionTextRecorded < unanswered.total) {
    lines.push(`  question text recorded for ${unanswered.questionTextRecorded} of ${unanswered.total}; set RAGBOT_LOG_QUESTIONS=true on the server to record it`);
  }
  for (const question of unanswered.questions) {
    lines.push(
      `  ${when(question.at)}, ${plain(question.platform)} channel ${plain(question.channelId)}: ` +
        `${question.questionText !== undefined ? plain(question.questionText) : '(question text not recorded)'}` +
        `${question.scope.length ? `  [searched ${question.scope.map(plain).join(', ')}]` : ''}`,
    );
  }
  if (unanswered.total > unanswered.questions.length) lines.push(`  … and ${unanswered.total - unanswered.questions.length} more (raise --limit)`);
  return `${lines.join('\n')}\n`;
};

// ---------------------------------------------------------------------------------------------
// HTML: one self-contained page, charts as inline SVG, no script at all
