export type Citation = {
  n: number;
  title: string;
  /** Path relative to the indexed directory. */
  path: string;
  url?: string;
  section: string;
  anchor?: string;
  collection: string;
  updatedAt: string;
  snippet: string;
  score: number;
};

export type RefusalReason =
  | 'empty-question'
  | 'question-too-long'
  | 'unknown-tenant'
  | 'no-collections'
  | 'external-channel'
  | 'membership-unavailable';

export type Outcome = 'answered' | 'no-answer' | 'refused' | 'degraded';

export type Answer = {
  id: string;
  questionId: string;
  outcome: Outcome;
  /** Markdown with `[n]` markers that point into `citations`. */
  text: string;
  citations: Citation[];
  /** Collections searched. */
  scope: string[];
  refusal?: RefusalReason;
  /** Why an answer is degraded (e.g. the language model was unavailable). */
  degradedReason?: string;
  /** Problems worth a flag, e.g. a generated answer that cites nothing. */
  warnings?: string[];
  /** Things the reader should know about how the answer was made (e.g. a narrowed scope). */
  notices?: string[];
  provider: string;
  /** Tokens the language model used, when one was called. */
  usage?: { inputTokens: number; outputTokens: number };
  cached: boolean;
  timings: { retrieveMs: number; generateMs: number; totalMs: number };
};
