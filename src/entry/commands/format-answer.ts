import type { Answer } from '../../core/answer.js';
import { relativeAge } from '../../core/format/relative-age.js';

/** The terminal rendering of an answer: text, numbered sources, and what was searched. */
export const formatAnswer = (answer: Answer, now = new Date()): string => {
  const lines = [answer.text, ''];
  if (answer.citations.length > 0) {
    lines.push('Sources:');
    for (const citation of answer.citations) {
      const section = citation.section && citation.section !== citation.title ? ` › ${citation.section}` : '';
      lines.push(
        `  [${citation.n}] ${citation.title}${section} — ${citation.path}${citation.anchor ? `#${citation.anchor}` : ''}` +
          ` (${citation.collection}, updated ${relativeAge(citation.updatedAt, now)})`,
      );
    }
    lines.push('');
  }
  if (answer.outcome === 'degraded' && answer.degradedReason) lines.push(`Degraded: ${answer.degradedReason}`);
  for (const notice of answer.notices ?? []) lines.push(`Note: ${notice}`);
  lines.push(`Searched: ${answer.scope.join(', ') || 'nothing'} · ${answer.outcome} by ${answer.provider} in ${Math.round(answer.timings.totalMs)} ms`);
  return lines.join('\n');
};

/** The `--json` shape: stable fields for scripts and the eval. */
export const answerJson = (answer: Answer) => ({
  outcome: answer.outcome,
  text: answer.text,
  scope: answer.scope,
  ...(answer.refusal ? { refusal: answer.refusal } : {}),
  ...(answer.notices ? { notices: answer.notices } : {}),
  citations: answer.citations.map(({ n, title, section, path, collection, score }) => ({ n, title, section, path, collection, score })),
});
