import type { SearchScope } from '../access/search-scope.js';
import type { EmbeddingModel } from '../ports/embedding-model.js';
import type { IndexCatalog, IndexCatalogStore } from '../ports/index-catalog-store.js';
import type { VectorStore, WeightedTerm } from '../ports/vector-store.js';
import { assertSameEmbedder } from '../indexing/assert-same-embedder.js';
import { mergeCorpusStats } from './corpus-stats.js';
import { evidenceCoverage } from './evidence.js';
import { capPerDocument, fuseScores, type FusedHit } from './fuse-scores.js';
import { expandQuery } from './query-expansion.js';
import { analyzeQuestion, type QuestionTerm } from './question-terms.js';
import { rescoreLexical } from './rescore-lexical.js';
import { loadEnglishLexicon } from '../text/english-lexicon.js';
import type { RetrievalSettings } from './retrieval-settings.js';

export type RetrievalResult = {
  /** Fused, per-document-capped ranking, best first. */
  ranking: FusedHit[];
  /** IDF-weighted share of the question's terms the top passages contain, 0–1. */
  evidence: number;
  /** The highest index version among the scope's namespaces: part of every cache key. */
  indexVersion: number;
};

export type RetrievalDependencies = {
  store: VectorStore;
  catalogs: IndexCatalogStore;
  embedder?: EmbeddingModel;
};

/** Every stem a question term may appear as, with the term's weight (the heaviest wins). */
const weightedTerms = (questionTerms: QuestionTerm[]): WeightedTerm[] => {
  const weights = new Map<string, number>();
  for (const term of questionTerms) {
    for (const stemmed of term.alternatives.flat()) weights.set(stemmed, Math.max(weights.get(stemmed) ?? 0, term.weight));
  }
  return [...weights].map(([stemmed, weight]) => ({ term: stemmed, weight }));
};

export const retrieve = async (
  dependencies: RetrievalDependencies,
  options: { scope: SearchScope; query: string; settings: RetrievalSettings; signal?: AbortSignal },
): Promise<RetrievalResult> => {
  const { store, catalogs, embedder } = dependencies;
  const { scope, query, settings, signal } = options;
  const catalogList = (await Promise.all(scope.namespaces.map((namespace) => catalogs.load(namespace)))).filter(
    (catalog): catalog is IndexCatalog => catalog !== undefined,
  );
  const indexVersion = Math.max(0, ...catalogList.map((catalog) => catalog.version));
  if (catalogList.length === 0) return { ranking: [], evidence: 0, indexVersion };
  for (const catalog of catalogList) assertSameEmbedder(catalog, embedder);
  const stats = mergeCorpusStats(catalogList);
  const questionTerms = analyzeQuestion(query, stats, await loadEnglishLexicon());
  const corrections = questionTerms.flatMap((term) => (term.correction ? [term.correction] : []));

  const useDense = embedder !== undefined && settings.denseWeight > 0;
  const useLexical = !useDense || settings.denseWeight < 1;
  const vector = useDense
    ? (await embedder.embed({ values: [query], purpose: 'query', signal })).embeddings[0]
    : undefined;
  const hits = await store.query({
    scope,
    ...(useLexical ? { lexicalQuery: expandQuery(query, corrections), lexicalTerms: weightedTerms(questionTerms) } : {}),
    ...(vector ? { vector } : {}),
    topK: settings.candidates,
    signal,
  });
  const rescored = rescoreLexical(hits, questionTerms, stats);
  const fused = fuseScores(rescored, useDense ? settings.denseWeight : 0);
  const ranking = capPerDocument(fused, settings.maxChunksPerDocument);
  // Evidence is a lexical signal, measured on the lexical ranking: dense fusion reorders sources but
  // never changes whether the bot answers at all, so a hybrid cannot abstain worse than its lexical half.
  // Its own per-document cap keeps it independent of how many passages of a document are shown.
  const lexicalRanking = capPerDocument(useDense ? fuseScores(rescored, 0) : fused, settings.evidenceChunksPerDocument);
  const depths = settings.evidenceDepths.length ? settings.evidenceDepths : [1];
  const evidence =
    depths.reduce((sum, depth) => sum + evidenceCoverage(questionTerms, lexicalRanking.slice(0, depth).map((hit) => hit.chunk)), 0) / depths.length;
  return { ranking, evidence, indexVersion };
};
