import type { FeedbackReport, RatedAnswer, ReportSource, SentimentCounts } from '../../core/reporting/feedback-report.js';
import { bucketLabel, countsLine, formatMs, percent, when } from './report-text.js';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Every piece of text from a record goes through this before it reaches the page. */
export const escapeHtml = (value: unknown): string => String(value).replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);

const COLOURS = { helpful: '#2e7d32', notHelpful: '#c62828', outdated: '#ef8f00', missing: '#78909c', bar: '#3f6fb5' } as const;
const SENTIMENT_LABELS: [keyof SentimentCounts, string][] = [
  ['helpful', 'helpful'], ['notHelpful', 'not helpful'], ['outdated', 'outdated'], ['missing', 'missing'],
];

const truncate = (text: string, length: number) => (text.length > length ? `${text.slice(0, length - 1)}…` : text);

const satisfactionChart = (report: FeedbackReport): string => {
  const rows = report.satisfactionByCollection;
  const voted = rows.filter((row) => row.votes > 0);
  if (voted.length === 0) return '<p class="empty">No votes in this period.</p>';
  const labelWidth = 150;
  const barWidth = 420;
  const rowHeight = 28;
  const legendHeight = 26;
  const width = labelWidth + barWidth + 130;
  const height = legendHeight + voted.length * rowHeight + 8;
  const maxVotes = Math.max(...voted.map((row) => row.votes));
  const parts: string[] = [];
  SENTIMENT_LABELS.forEach(([key, label], index) => {
    const x = labelWidth + index * 105;
    parts.push(`<rect x="${x}" y="4" width="12" height="12" fill="${COLOURS[key]}"/><text x="${x + 16}" y="14" class="legend">${escapeHtml(label)}</text>`);
  });
  voted.forEach((row, index) => {
    const y = legendHeight + index * rowHeight;
    parts.push(`<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end" class="label">${escapeHtml(truncate(row.collection, 22))}<title>${escapeHtml(row.collection)}</title></text>`);
    let x = labelWidth;
    for (const [key, label] of SENTIMENT_LABELS) {
      const count = row[key];
      if (count === 0) continue;
      const segment = (count / maxVotes) * barWidth;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y + 2}" width="${segment.toFixed(1)}" height="${rowHeight - 10}" fill="${COLOURS[key]}">` +
          `<title>${escapeHtml(`${row.collection}: ${count} ${label}`)}</title></rect>`,
      );
      x += segment;
    }
    parts.push(`<text x="${(x + 6).toFixed(1)}" y="${y + 15}" class="value">${escapeHtml(percent(row.satisfaction))} (${row.helpful}/${row.helpful + row.notHelpful})</text>`);
  });
  return (
    `<svg class="chart" role="img" aria-label="Votes by collection" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
    `${parts.join('')}</svg>`
  );
};

const latencyChart = (report: FeedbackReport): string => {
  const { histogram, count } = report.latency;
  if (count === 0) return '<p class="empty">No answers in this period.</p>';
  const columnWidth = 58;
  const chartHeight = 160;
  const top = 18;
  const width = histogram.length * columnWidth + 10;
  const height = top + chartHeight + 40;
  const maxCount = Math.max(1, ...histogram.map((bucket) => bucket.count));
  const parts = histogram.map((bucket, index) => {
    const x = 5 + index * columnWidth;
    const barHeight = (bucket.count / maxCount) * chartHeight;
    const y = top + chartHeight - barHeight;
    const label = bucketLabel(bucket.upToMs, histogram[index - 1]?.upToMs ?? undefined);
    return (
      `<rect x="${x + 6}" y="${y.toFixed(1)}" width="${columnWidth - 12}" height="${barHeight.toFixed(1)}" fill="${COLOURS.bar}"><title>${escapeHtml(`${label}: ${bucket.count}`)}</title></rect>` +
      (bucket.count > 0 ? `<text x="${x + columnWidth / 2}" y="${(y - 4).toFixed(1)}" text-anchor="middle" class="value">${bucket.count}</text>` : '') +
      `<text x="${x + columnWidth / 2}" y="${top + chartHeight + 16}" text-anchor="middle" class="axis">${escapeHtml(label)}</text>`
    );
  });
  return (
    `<svg class="chart" role="img" aria-label="Answer latency histogram" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
    `<line x1="5" y1="${top + chartHeight}" x2="${width - 5}" y2="${top + chartHeight}" stroke="#999"/>${parts.join('')}` +
    `<text x="${width / 2}" y="${height - 4}" text-anchor="middle" class="axis">total answer time (answers per bucket)</text></svg>`
  );
};

const sourcesHtml = (sources: ReportSource[]) =>
  sources.length === 0
    ? '<span class="muted">none</span>'
    : `<ul>${sources.map((source) => `<li><code>${escapeHtml(source.path)}</code> <span class="muted">(${escapeHtml(source.collection)})</span>${source.title ? ` ${escapeHtml(source.title)}` : ''}${source.section ? ` › ${escapeHtml(source.section)}` : ''}</li>`).join('')}</ul>`;

const ratedTable = (entries: RatedAnswer[]) =>
  entries.length === 0
    ? '<p class="empty">None.</p>'
    : `<table><thead><tr><th>when</th><th>votes</th><th>question</th><th>sources</th><th>comments</th></tr></thead><tbody>${entries
        .map(
          (entry) =>
            `<tr><td>${escapeHtml(when(entry.at))}<br><span class="muted">${escapeHtml(entry.platform)} · ${escapeHtml(entry.channelId)}<br>${escapeHtml(entry.answerId)}</span></td>` +
            `<td>${escapeHtml(countsLine(entry.votes))}</td>` +
            `<td>${entry.questionText !== undefined ? escapeHtml(entry.questionText) : '<span class="muted">not recorded</span>'}</td>` +
            `<td>${sourcesHtml(entry.sources)}</td>` +
            `<td>${entry.comments.length ? `<ul>${entry.comments.map((comment) => `<li><span class="muted">${escapeHtml(comment.sentiment)}:</span> ${escapeHtml(comment.comment)}</li>`).join('')}</ul>` : ''}</td></tr>`,
        )
        .join('')}</tbody></table>`;

export const renderHtmlReport = (report: FeedbackReport, notice?: string): string => {
  const { totals, latency, unanswered } = report;
  const title = `ragbot feedback report, ${when(report.period.since)} to ${when(report.period.until)}`;
  const card = (label: string, value: string) => `<div class="card"><div class="figure">${escapeHtml(value)}</div><div class="muted">${escapeHtml(label)}</div></div>`;
  const collectionRows = report.satisfactionByCollection
    .map((entry) => `<tr><td>${escapeHtml(entry.collection)}</td><td>${entry.answers}</td><td>${entry.helpful}</td><td>${entry.notHelpful}</td><td>${entry.outdated}</td><td>${entry.missing}</td><td>${escapeHtml(percent(entry.satisfaction))}</td></tr>`)
    .join('');
  const documents = report.outdated.documents
    .map((document) => `<tr><td><code>${escapeHtml(document.path)}</code></td><td>${escapeHtml(document.collection)}</td><td>${escapeHtml(document.title)}</td><td>${escapeHtml(document.sections.join(', '))}</td><td>${document.outdatedVotes}</td><td>${document.answers}</td></tr>`)
    .join('');
  const questions = unanswered.questions
    .map((question) => `<tr><td>${escapeHtml(when(question.at))}</td><td>${escapeHtml(question.platform)} · ${escapeHtml(question.channelId)}</td><td>${question.questionText !== undefined ? escapeHtml(question.questionText) : '<span class="muted">not recorded</span>'}</td><td>${escapeHtml(question.scope.join(', '))}</td></tr>`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title>
<style>
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; border-bottom: 1px solid #ddd; padding-bottom: .25rem; }
.cards { display: flex; flex-wrap: wrap; gap: .75rem; } .card { border: 1px solid #ddd; border-radius: 6px; padding: .6rem 1rem; min-width: 8rem; }
.figure { font-size: 1.4rem; font-weight: 600; } .muted { color: #656d76; } .empty { color: #656d76; font-style: italic; }
.notice { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; padding: .75rem 1rem; }
table { border-collapse: collapse; width: 100%; margin-top: .5rem; } th, td { border-bottom: 1px solid #eee; padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } ul { margin: 0; padding-left: 1.1rem; } code { font-size: 12px; }
.chart { max-width: 100%; height: auto; } .chart text { font-size: 12px; fill: #1f2328; } .chart .axis { font-size: 11px; fill: #656d76; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${notice ? `<p class="notice">${escapeHtml(notice)}</p>` : ''}
<div class="cards">
${card('answers', String(totals.answers))}
${card('votes', String(totals.votes))}
${card('satisfaction (helpful / rated)', percent(totals.satisfaction))}
${card('unanswered', String(unanswered.total))}
${card('p50 latency', formatMs(latency.p50))}
${card('p95 latency', formatMs(latency.p95))}
</div>
<p class="muted">Outcomes: ${report.outcomes.length ? report.outcomes.map((entry) => `${escapeHtml(entry.outcome)} ${entry.count}`).join(', ') : 'none'}.
Latency p50 ${escapeHtml(formatMs(latency.p50))}, p90 ${escapeHtml(formatMs(latency.p90))}, p95 ${escapeHtml(formatMs(latency.p95))}, p99 ${escapeHtml(formatMs(latency.p99))}, max ${escapeHtml(formatMs(latency.max))}.</p>

<h2>Satisfaction by collection</h2>
${satisfactionChart(report)}
${collectionRows ? `<table><thead><tr><th>collection</th><th>answers</th><th>helpful</th><th>not helpful</th><th>outdated</th><th>missing</th><th>satisfaction</th></tr></thead><tbody>${collectionRows}</tbody></table>` : ''}

<h2>Answer latency</h2>
${latencyChart(report)}

<h2>Worst-rated answers</h2>
${ratedTable(report.worstRated)}

<h2>Documents to update</h2>
<p class="muted">Documents cited by answers voted outdated.</p>
${documents ? `<table><thead><tr><th>document</th><th>collection</th><th>title</th><th>sections</th><th>outdated votes</th><th>answers</th></tr></thead><tbody>${documents}</tbody></table>` : '<p class="empty">None.</p>'}
<h3>Answers voted outdated</h3>
${ratedTable(report.outdated.answers)}

<h2>Unanswered questions (${unanswered.total})</h2>
${unanswered.total > 0 && unanswered.questionTextRecorded < unanswered.total ? `<p class="muted">Question text recorded for ${unanswered.questionTextRecorded} of ${unanswered.total}; set RAGBOT_LOG_QUESTIONS=true on the server to record it.</p>` : ''}
${questions ? `<table><thead><tr><th>when</th><th>where</th><th>question</th><th>searched</th></tr></thead><tbody>${questions}</tbody></table>` : '<p class="empty">None.</p>'}
${unanswered.total > unanswered.questions.length ? `<p class="muted">… and ${unanswered.total - unanswered.questions.length} more (raise --limit).</p>` : ''}
</body>
</html>
`;
};

// ---------------------------------------------------------------------------------------------
