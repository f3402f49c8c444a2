/** Retrieval knobs; the defaults were calibrated on `eval/` (see the README's figures). */
export type RetrievalSettings = {
  /** Candidates asked of each retriever before fusion. */
  candidates: number;
  /** Passages handed to the answerer, numbered as citations. */
  sources: number;
  maxChunksPerDocument: number;
  /** 0 is lexical-only, 1 dense-only; used only when an embedder is configured. */
  denseWeight: number;
  /** Below this evidence coverage the bot says it could not find the answer. */
  minEvidence: number;
  /**
   * Evidence is the question's weighted term coverage by the top passages, averaged over these
   * depths: a couple of passages should answer it, and a wider view forgives a question whose
   * answer spans sections.
   */
  evidenceDepths: number[];
};

export const DEFAULT_RETRIEVAL_SETTINGS: RetrievalSettings = {
  candidates: 50,
  sources: 5,
  maxChunksPerDocument: 2,
  denseWeight: 0.2,
  minEvidence: 0.58,
  evidenceDepths: [2, 5],
};
