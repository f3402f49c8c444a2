import type { Question } from '../question.js';

/**
 * The text retrieval searches for. A thread follow-up ("and on ams2?") means little alone,
 * so the asker's earlier turns in the thread are prepended.
 */
export const standaloneQuery = (question: Question): string => {
  const text = question.text.trim();
  if (question.history.length === 0) return text;
  const earlier = question.history
    .filter((turn) => turn.role === 'user')
    .slice(-2)
    .map((turn) => turn.text.trim());
  return [...earlier, text].join('\n');
};
