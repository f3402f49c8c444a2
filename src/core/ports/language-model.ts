/** A passage handed to a language model, numbered as it must be cited: `[n]`. */
export type NumberedSource = {
  n: number;
  title: string;
  section: string;
  text: string;
  /** Retrieval relevance, highest first; extractive answering uses it as a prior. */
  score: number;
};

export type LanguageModel = {
  readonly provider: string;
  readonly modelId: string;
  generate(options: {
    question: string;
    history: { role: 'user' | 'assistant'; text: string }[];
    sources: NumberedSource[];
    signal?: AbortSignal;
  }): Promise<{
    text: string;
    usage?: { inputTokens: number; outputTokens: number };
    /** The model said the sources do not answer the question. */
    noAnswer?: boolean;
  }>;
};
