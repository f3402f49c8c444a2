/**
 * Which scenarios run, in which order, on which corpora. Paths are written with a `<tmp>`
 * placeholder (the run's temporary directory) so results.json can show commands that are not tied
 * to one machine. Order matters: an ask scenario reads the index its `needs` built.
 */
export type CorpusPlan = { label: string; targetChunks: number };

export type ScenarioScript =
  | 'index-scenario.ts'
  | 'ask-scenario.ts'
  | 'quality-scenario.ts'
  | 'baseline-scale-scenario.ts'
  | 'ann-scenario.ts'
  | 'pinecone-scenario.ts'
  | 'reindex-scenario.ts'
  | 'chat-path-scenario.ts';

/** Which README section a scenario's figures belong to. */
export type Section = 'core' | 'baselines' | 'scaling' | 'incremental' | 'chat';

export type Scenario = {
  id: string;
  description: string;
  script: ScenarioScript;
  args: string[];
  section?: Section;
  /** Scenarios whose output (an index) this one reads. */
  needs: string[];
  corpus?: string;
  /** Only with --full. */
  full?: boolean;
  /** Only in the quick profile (--full runs a longer variant). */
  quick?: boolean;
};

export const CORPORA: (CorpusPlan & { full?: boolean })[] = [
  { label: '300', targetChunks: 300 },
  { label: '1k', targetChunks: 1_000 },
  { label: '10k', targetChunks: 10_000 },
  { label: '30k', targetChunks: 30_000, full: true },
  { label: '100k', targetChunks: 100_000, full: true },
  // Private copies of the 10k corpus: the incremental re-index scenarios edit their files.
  { label: '10k-edit', targetChunks: 10_000 },
  { label: '10k-edit-bm25', targetChunks: 10_000, full: true },
];

/** Edits of the incremental re-index scenarios: the seed picks the files, as in the corpus. */
export const EDIT_SEED = 20_260_101;

const quality = (pipeline: 'ours' | 'langchain' | 'bm25', embeddings: string, options: Partial<Scenario> = {}): Scenario => ({
  id: `quality-${pipeline}-${embeddings}`,
  description: `${pipeline} pipeline over examples/docs (embeddings=${embeddings}): eval quality, indexing, latency, memory`,
  script: 'quality-scenario.ts',
  args: ['--pipeline', pipeline, '--embeddings', embeddings, '--directory', 'examples/docs', ...(pipeline === 'ours' ? ['--data-dir', `<tmp>/quality-${embeddings}`] : [])],
  needs: [],
  section: 'baselines',
  ...options,
});

const baselineAtScale = (pipeline: 'langchain' | 'bm25', corpus: string, options: Partial<Scenario> = {}): Scenario => ({
  id: `${pipeline}-${corpus}`,
  description: `${pipeline} baseline on the ${corpus}-chunk corpus: indexing, latency, memory`,
  script: 'baseline-scale-scenario.ts',
  args: ['--pipeline', pipeline, '--embeddings', 'hash', '--directory', `<tmp>/corpus-${corpus}`, '--questions', '<tmp>/questions.json'],
  needs: [],
  corpus,
  section: 'scaling',
  ...options,
});

const ann = (corpus: string, options: Partial<Scenario> = {}): Scenario => ({
  id: `ann-hash-${corpus}`,
  description: `dense search at ${corpus} chunks: flat scan, then IVF-PQ and HNSW-SQ vector indexes built after indexing`,
  script: 'ann-scenario.ts',
  args: ['--data-dir', `<tmp>/data-hash-${corpus}`, '--questions', '<tmp>/questions.json'],
  // After ask-hash: it adds a vector index to that data directory.
  needs: [`index-hash-${corpus}`],
  section: 'scaling',
  ...options,
});

/**
 * Quick: the fake LLM at 200 concurrent requests only; --full: at 50, 200 and 500 as well. Both:
 * a warm-up of 200 requests first, and three bursts at 200 (the level with a target).
 */
const chatPath = (platform: 'slack' | 'teams', full: boolean): Scenario => ({
  id: `chat-${platform}${full ? '-full' : ''}`,
  description: `${platform} acks and answer delivery under bursts of 50, 200 (three) and 500 requests after a warm-up (fake LLM at ${full ? '50, 200 and 500' : '200'}) and a rate sweep, on loopback`,
  script: 'chat-path-scenario.ts',
  args: [
    '--platform', platform, '--data-dir', `<tmp>/data-chat-${platform}`, '--levels', '50,200,500', '--open-levels', '200', '--fake-llm-levels', full ? '50,200,500' : '200',
    // The quick profile leaves out 25/s, which only repeats 50/s's answer, to stay under 5 minutes.
    '--answerers', 'extractive,fake-llm', '--rates', full ? '25,50,100,200,400' : '50,100,200,400', '--rate-seconds', '4', '--warm-up', '200', '--repeats', '200=3',
  ],
  needs: [],
  section: 'chat',
  ...(full ? { full: true } : { quick: true }),
});

const reindex = (percent: number, round: number, needs: string, options: { series?: number; embeddings?: 'hash' | 'none' } = {}): Scenario => {
  const { series, embeddings = 'hash' } = options;
  const corpus = embeddings === 'hash' ? '10k-edit' : '10k-edit-bm25';
  return {
    id: `reindex-${embeddings}-10k-${percent}pct${series === undefined ? '' : `-series-${series}`}`,
    description: `edit ${percent}% of the 10k corpus's documents, then re-index incrementally (embeddings=${embeddings})${series === undefined ? '' : `, run ${series} of a series`}`,
    script: 'reindex-scenario.ts',
    args: ['--directory', `<tmp>/corpus-${corpus}`, '--data-dir', `<tmp>/data-${embeddings}-${corpus}`, '--embeddings', embeddings,
      '--change-percent', String(percent), '--seed', String(EDIT_SEED), '--round', String(round)],
    needs: [needs],
    section: 'incremental',
    ...(series === undefined && embeddings === 'hash' ? {} : { full: true }),
  };
};

/**
 * Edits of 1% after the 10% run, re-indexed after each: the recent rows grow until an optimize
 * folds them into the table (recent-rows.ts), so some runs in the series pay for a fold.
 */
export const SERIES_RUNS = 12;
const series = Array.from({ length: SERIES_RUNS }, (_, index) =>
  reindex(1, 3 + index, index === 0 ? 'reindex-hash-10k-10pct' : `reindex-hash-10k-1pct-series-${index}`, { series: index + 1 }));

const index = (embeddings: string, corpus: string, options: Partial<Scenario> & { dataLabel?: string } = {}): Scenario => ({
  id: `index-${embeddings}-${corpus}`,
  description: `index the ${corpus}-chunk corpus, embeddings=${embeddings}`,
  script: 'index-scenario.ts',
  args: ['--directory', `<tmp>/corpus-${corpus}`, '--data-dir', `<tmp>/data-${embeddings}-${options.dataLabel ?? corpus}`, '--embeddings', embeddings],
  needs: [],
  corpus,
  ...options,
});

const ask = (embeddings: string, corpus: string, options: Partial<Scenario> & { dataLabel?: string } = {}): Scenario => ({
  id: `ask-${embeddings}-${corpus}`,
  description: `ask 50 questions at ${corpus} chunks, embeddings=${embeddings}`,
  script: 'ask-scenario.ts',
  args: ['--data-dir', `<tmp>/data-${embeddings}-${options.dataLabel ?? corpus}`, '--embeddings', embeddings, '--questions', '<tmp>/questions.json'],
  needs: [`index-${embeddings}-${corpus}`],
  ...options,
});

export const SCENARIOS: Scenario[] = [
  index('none', '10k'),
  ask('none', '10k'),
  index('hash', '10k'),
  ask('hash', '10k'),
  index('none', '1k'),
  ask('none', '1k'),
  index('hash', '1k'),
  ask('hash', '1k'),
  // USE-lite embeds ~20 chunks/s on one core: throughput is measured on 300 chunks, then the same
  // index is extended incrementally (the 300-chunk corpus is a prefix of the 1k one) for latency.
  index('use-lite', '300', { dataLabel: 'shared' }),
  index('use-lite', '1k', { dataLabel: 'shared', needs: ['index-use-lite-300'], description: 'extend the use-lite index from 300 to 1k chunks (only new chunks embedded)' }),
  ask('use-lite', '1k', { dataLabel: 'shared' }),
  {
    id: 'reindex-examples-first',
    description: 'index examples/docs once (lexical), to be re-indexed unchanged',
    script: 'index-scenario.ts',
    args: ['--directory', 'examples/docs', '--data-dir', '<tmp>/data-examples', '--embeddings', 'none'],
    needs: [],
  },
  {
    id: 'reindex-examples-unchanged',
    description: 'second, unchanged run over examples/docs in a fresh process: must index 0 chunks',
    script: 'index-scenario.ts',
    args: ['--directory', 'examples/docs', '--data-dir', '<tmp>/data-examples', '--embeddings', 'none'],
    needs: ['reindex-examples-first'],
  },
  index('none', '30k', { full: true }),
  ask('none', '30k', { full: true }),
  index('hash', '30k', { full: true }),
  ask('hash', '30k', { full: true }),
  index('use-lite', '10k', { dataLabel: 'shared', full: true, needs: ['index-use-lite-1k'], description: 'extend the use-lite index from 1k to 10k chunks' }),
  ask('use-lite', '10k', { dataLabel: 'shared', full: true }),

  // Baselines on examples/docs: the same documents and questions as npm run eval, one process each.
  quality('ours', 'none'),
  quality('ours', 'hash'),
  quality('langchain', 'hash'),
  quality('bm25', 'none'),
  quality('ours', 'use-lite', { full: true }),
  quality('langchain', 'use-lite', { full: true }),

  // Scaling. Pinecone first: it reads data-hash-1k as its LanceDB reference before ann-hash-1k adds a vector index.
  {
    id: 'pinecone-hash-1k',
    description: 'Pinecone store against the local fake (own process) vs LanceDB, 1k chunks: loopback overhead per question',
    script: 'pinecone-scenario.ts',
    args: ['--directory', '<tmp>/corpus-1k', '--data-dir', '<tmp>/data-pinecone-1k', '--lancedb-data-dir', '<tmp>/data-hash-1k', '--questions', '<tmp>/questions.json'],
    needs: ['index-hash-1k'],
    corpus: '1k',
    section: 'scaling',
  },
  ann('1k'),
  ann('10k'),
  baselineAtScale('langchain', '10k'),
  baselineAtScale('bm25', '10k'),
  index('hash', '100k', { full: true, section: 'scaling' }),
  ask('hash', '100k', { full: true, section: 'scaling' }),
  index('none', '100k', { full: true, section: 'scaling' }),
  ask('none', '100k', { full: true, section: 'scaling' }),
  ann('30k', { full: true }),
  ann('100k', { full: true }),
  baselineAtScale('langchain', '100k', { full: true }),
  baselineAtScale('bm25', '100k', { full: true }),

  // Incremental re-index on a private copy of the 10k corpus.
  index('hash', '10k-edit', { section: 'incremental', description: 'full index of a copy of the 10k corpus (hashed embedder), the reference for re-index cost' }),
  reindex(1, 1, 'index-hash-10k-edit'),
  reindex(10, 2, 'reindex-hash-10k-1pct'),
  ...series,
  // The series' index, its last fold some runs back: searches pay for the recent rows and the stale table rows.
  ask('hash', '10k-edit', {
    id: 'ask-hash-10k-edit-recent', description: 'ask 50 questions on the edited 10k corpus after the series, its recent rows pending',
    needs: [`reindex-hash-10k-1pct-series-${SERIES_RUNS}`], section: 'incremental', full: true,
  }),
  // The same first 1% edit without an embedder (the default configuration): no vectors to store or embed.
  index('none', '10k-edit-bm25', { section: 'incremental', full: true, description: 'full index of another copy of the 10k corpus (BM25 only), the reference for its re-index cost' }),
  reindex(1, 1, 'index-none-10k-edit-bm25', { embeddings: 'none' }),

  // The chat path, last: one bot process per platform, the fakes and the load in this child.
  chatPath('slack', false),
  chatPath('teams', false),
  chatPath('slack', true),
  chatPath('teams', true),
];

/** The scenarios to run: all (of the mode), or the requested ones and what they need, in plan order. */
export const selectScenarios = (options: { full: boolean; only?: string[] }): Scenario[] => {
  const byId = new Map(SCENARIOS.map((scenario) => [scenario.id, scenario]));
  if (!options.only) return SCENARIOS.filter((scenario) => (options.full ? !scenario.quick : !scenario.full));
  const wanted = new Set<string>();
  const add = (id: string) => {
    const scenario = byId.get(id);
    if (!scenario) throw new Error(`unknown scenario "${id}"; known: ${[...byId.keys()].join(', ')}`);
    if (wanted.has(id)) return;
    wanted.add(id);
    scenario.needs.forEach(add);
  };
  options.only.forEach(add);
  return SCENARIOS.filter((scenario) => wanted.has(scenario.id));
};
