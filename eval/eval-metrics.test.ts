import { describe, expect, it } from 'vitest';
import { computeFigures, factsFound, type QuestionResult } from './eval-metrics.js';

const result = (overrides: Partial<QuestionResult> & { answerable?: boolean; relevant?: string[]; facts?: string[] }): QuestionResult => ({
  question: { id: 'q', question: 'q?', answerable: overrides.answerable ?? true, relevant: overrides.relevant ?? ['a.md'], facts: overrides.facts ?? ['set server'] },
  rankedDocuments: overrides.rankedDocuments ?? [],
  outcome: overrides.outcome ?? 'answered',
  text: overrides.text ?? '',
});

describe('eval metrics', () => {
  it('finds facts case- and markup-insensitively', () => {
    expect(factsFound('Run `SET  server` then **state drain**', ['set server', 'state drain', 'show stat'])).toBe(2);
  });

  it('computes recall@5, MRR@10, fact coverage and abstention', () => {
    const figures = computeFigures([
      result({ rankedDocuments: ['a.md', 'b.md'], text: 'set server' }),
      result({ rankedDocuments: ['x', 'y', 'z', 'w', 'v', 'a.md'], text: 'nothing' }),
      result({ rankedDocuments: ['a.md'], outcome: 'no-answer', text: 'set server' }),
      result({ answerable: false, relevant: [], facts: [], outcome: 'no-answer' }),
      result({ answerable: false, relevant: [], facts: [], outcome: 'answered' }),
    ]);
    expect(figures).toEqual({
      questions: 5,
      recallAt5: 0.667,
      mrrAt10: 0.722,
      factCoverage: 0.333,
      abstentionAccuracy: 0.5,
      falseRefusalRate: 0.333,
    });
  });
});
