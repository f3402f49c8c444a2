/** Retrieval knobs; the defaults were calibrated on `eval/` (see the README's figures). */
export type RetrievalSettings = {
  /** Candidates asked of each retriever before fusion. */
  candidates: number;
  /** Passages handed to the answerer, numbered as citations. */
  sources: number;
  /**
   * Passages of one document among them: below `sources`, so at least two documents are shown,
   * yet high enough that the answer in a long runbook's third or fourth matching section is too.
   */
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
  /**
   * The per-document cap of the ranking evidence is measured on. It belongs to minEvidence (they
   * were calibrated together), so how many passages of one document the answerer sees never
   * changes whether the bot answers at all.
   */
  evidenceChunksPerDocument: number;
};

export const DEFAULT_RETRIEVAL_SETTINGS: RetrievalSettings = {
  candidates: 50,
  sources: 5,
  maxChunksPerDocument: 4,
  denseWeight: 0.2,
  minEvidence: 0.58,
  evidenceDepths: [2, 5],
  evidenceChunksPerDocument: 2,
};
