/** One labelled question of `eval/questions.json`. */
export type EvalQuestion = {
  id: string;
  question: string;
  answerable: boolean;
  relevant: string[];
  facts: string[];
  style?: string;
};

export type QuestionResult = {
  question: EvalQuestion;
  /** Distinct document paths in ranked order. */
  rankedDocuments: string[];
  outcome: string;
  text: string;
};

export type EvalFigures = {
  questions: number;
  recallAt5: number;
  mrrAt10: number;
  factCoverage: number;
  /** Share of unanswerable questions the bot declined to answer. */
  abstentionAccuracy: number;
  /** Share of answerable questions the bot wrongly declined. */
  falseRefusalRate: number;
};

const normalize = (text: string) => text.toLowerCase().replace(/[`*_]/g, '').replace(/\s+/g, ' ');

export const factsFound = (text: string, facts: string[]): number => {
  const haystack = normalize(text);
  return facts.filter((fact) => haystack.includes(normalize(fact))).length;
};

const mean = (values: number[]) => (values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : 0);
const round = (value: number) => Math.round(value * 1000) / 1000;

export const computeFigures = (results: QuestionResult[]): EvalFigures => {
  const answerable = results.filter((result) => result.question.answerable);
  const unanswerable = results.filter((result) => !result.question.answerable);
  const recall = answerable.map(({ question, rankedDocuments }) => {
    const top = new Set(rankedDocuments.slice(0, 5));
    return question.relevant.filter((path) => top.has(path)).length / question.relevant.length;
  });
  const reciprocalRanks = answerable.map(({ question, rankedDocuments }) => {
    const rank = rankedDocuments.slice(0, 10).findIndex((path) => question.relevant.includes(path));
    return rank < 0 ? 0 : 1 / (rank + 1);
  });
  // A wrongly refused answer covers none of its facts.
  const coverage = answerable.map(({ question, outcome, text }) =>
    outcome === 'no-answer' || outcome === 'refused' ? 0 : factsFound(text, question.facts) / question.facts.length,
  );
  return {
    questions: results.length,
    recallAt5: round(mean(recall)),
    mrrAt10: round(mean(reciprocalRanks)),
    factCoverage: round(mean(coverage)),
    abstentionAccuracy: round(mean(unanswerable.map((result) => (result.outcome === 'no-answer' ? 1 : 0)))),
    falseRefusalRate: round(mean(answerable.map((result) => (result.outcome === 'no-answer' ? 1 : 0)))),
  };
};

/** Distinct documents in order of their best chunk. */
export const distinctDocuments = (paths: string[]): string[] => [...new Set(paths)];
