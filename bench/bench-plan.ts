/**
 * Which scenarios run, in which order, on which corpora. Paths are written with a `<tmp>`
 * placeholder (the run's temporary directory) so results.json can show commands that are not tied
 * to one machine. Order matters: an ask scenario reads the index its `needs` built.
 */
export type CorpusPlan = { label: string; targetChunks: number };

export type Scenario = {
  id: string;
  description: string;
  script: 'index-scenario.ts' | 'ask-scenario.ts';
  args: string[];
  /** Scenarios whose output (an index) this one reads. */
  needs: string[];
  corpus?: string;
  /** Only with --full. */
  full?: boolean;
};

export const CORPORA: (CorpusPlan & { full?: boolean })[] = [
  { label: '300', targetChunks: 300 },
  { label: '1k', targetChunks: 1_000 },
  { label: '10k', targetChunks: 10_000 },
  { label: '30k', targetChunks: 30_000, full: true },
];

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
];

/** The scenarios to run: all (of the mode), or the requested ones and what they need, in plan order. */
export const selectScenarios = (options: { full: boolean; only?: string[] }): Scenario[] => {
  const byId = new Map(SCENARIOS.map((scenario) => [scenario.id, scenario]));
  if (!options.only) return SCENARIOS.filter((scenario) => options.full || !scenario.full);
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
