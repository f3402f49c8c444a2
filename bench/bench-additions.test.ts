import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { Scenario } from './bench-plan.js';
import { selectScenarios } from './bench-plan.js';
import type { ScenarioRun } from './bench-report.js';
import { addParagraph, editCorpus, listFiles } from './edit-corpus.js';
import { createFixedLatencyModel } from './fixed-latency-model.js';
import { qualityShortfalls, sectionReports } from './section-report.js';

describe('addParagraph', () => {
  const content = '# Title\n\nIntro text.\n\n## First\n\nBody one.\n\n### Deeper\n\nBody two.\n';

  it('adds the paragraph at the end of the chosen section, before the next heading', () => {
    expect(addParagraph(content, 0, 'New.')).toBe('# Title\n\nIntro text.\n\nNew.\n\n## First\n\nBody one.\n\n### Deeper\n\nBody two.\n');
    expect(addParagraph(content, 1, 'New.')).toBe('# Title\n\nIntro text.\n\n## First\n\nBody one.\n\nNew.\n\n### Deeper\n\nBody two.\n');
    expect(addParagraph(content, 2, 'New.')).toBe('# Title\n\nIntro text.\n\n## First\n\nBody one.\n\n### Deeper\n\nBody two.\n\nNew.\n');
  });
});

describe('editCorpus', () => {
  it('edits the requested share of files, deterministically, and other files per round', async () => {
    const make = async () => {
      const directory = await mkdtemp(join(tmpdir(), 'ragbot-edit-'));
      await mkdir(join(directory, 'runbooks'));
      for (let index = 0; index < 200; index++) {
        await writeFile(join(directory, 'runbooks', `doc-${String(index).padStart(3, '0')}.md`), `# Doc ${index}\n\nIntro.\n\n## Steps\n\nDo it.\n`);
      }
      return directory;
    };
    const [first, second] = [await make(), await make()];
    try {
      const editedFirst = await editCorpus(first, { percent: 10, seed: 7, round: 1 });
      const editedSecond = await editCorpus(second, { percent: 10, seed: 7, round: 1 });
      expect(editedFirst).toHaveLength(20);
      expect(editedSecond).toEqual(editedFirst);
      expect(await readFile(join(first, editedFirst[0] as string), 'utf8')).toContain('Amended in review round 1');
      const nextRound = await editCorpus(first, { percent: 1, seed: 7, round: 2 });
      expect(nextRound).toHaveLength(2);
      expect(await listFiles(first)).toHaveLength(200);
    } finally {
      await rm(first, { recursive: true, force: true });
      await rm(second, { recursive: true, force: true });
    }
  });
});

describe('createFixedLatencyModel', () => {
  it('returns the extractive answer no sooner than its latency', async () => {
    // Fake timers (performance.now included): the wait is asserted by the clock, not by timing a run.
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
    try {
      const model = createFixedLatencyModel(40);
      let result: Awaited<ReturnType<typeof model.generate>> | undefined;
      void model.generate({ question: 'vault rotation?', history: [], sources: [{ n: 1, title: 'Vault', section: 'Vault', text: 'Rotate the vault token every 90 days.', score: 1 }] })
        .then((generated) => (result = generated));
      await vi.advanceTimersByTimeAsync(39);
      expect(result).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      expect(result?.text).toContain('90 days');
    } finally {
      vi.useRealTimers();
    }
  });
});

const figures = (recallAt5: number, factCoverage: number) => ({ recallAt5, mrrAt10: 0.9, factCoverage, abstentionAccuracy: 0.8, falseRefusalRate: 0 });
const latency = (p50: number, p95: number) => ({ samples: 10, p50, p95, max: p95, mean: p50 });
const run = (id: string, script: Scenario['script'], result: Record<string, unknown>): ScenarioRun => ({
  scenario: { id, description: id, script, args: [], needs: [] }, wallSeconds: 1, loadAverage: 1.5, result: { peakRssMb: 100, ...result },
});

describe('the section report', () => {
  it('lists where ours falls below a baseline, figure by figure, and judges the targets', () => {
    const ours = { pipeline: 'ours', embeddings: 'hash', sets: [{ set: 'questions', figures: figures(1, 0.6), meanAnswerCharacters: 400, sourceFactCoverage: 0.8 }] };
    const bm25 = { pipeline: 'bm25', embeddings: 'none', sets: [{ set: 'questions', figures: { ...figures(0.9, 0.7), abstentionAccuracy: 0 }, meanAnswerCharacters: 3000, sourceFactCoverage: 0.7 }] };
    expect(qualityShortfalls(ours, bm25)).toEqual(['fact coverage on questions: 0.600 < 0.700']);
    const report = sectionReports([
      run('quality-ours-hash', 'quality-scenario.ts', { ...ours, chunks: 10, latencyMs: latency(20, 30) }),
      run('quality-langchain-hash', 'quality-scenario.ts', { pipeline: 'langchain', embeddings: 'hash', chunks: 8, latencyMs: latency(1, 2), sets: bm25.sets }),
      run('quality-bm25-none', 'quality-scenario.ts', { ...bm25, chunks: 10, latencyMs: latency(1, 3) }),
      run('index-hash-10k-edit', 'index-scenario.ts', { files: 100, chunksIndexed: 1000, chunksEmbedded: 1000, indexSeconds: 10, cpuSeconds: 9 }),
      run('reindex-hash-10k-1pct', 'reindex-scenario.ts', { changePercent: 1, filesChanged: 1, filesUnchanged: 99, chunksIndexed: 10, chunksEmbedded: 2, cacheHitRate: 0.8, indexSeconds: 0.4, cpuSeconds: 0.3 }),
    ]);
    expect(report.targets.map((target) => [target.target.split(' ≥')[0]?.split(' query')[0], target.met])).toEqual([
      ['ours (hashed embedder)', false],
      ['ours (hashed embedder)', false],
      ['re-index after 1% of documents changed ≤ 5% of a full index', true],
    ]);
    expect(report.markdown).toContain('`npm run bench -- --only quality-bm25-none`');
    expect(report.markdown).toContain('| 1% of documents edited | 1 changed, 99 unchanged | 10 | 2 | 0.800 | 0.40 s (CPU 0.30 s) | 4.0% (CPU 3.3%)');
  });

  it('sums up a series of 1% re-indexes in one row: the typical run, the ones that folded, and the mean', () => {
    const seriesRun = (index: number, seconds: number, folded: number) =>
      run(`reindex-hash-10k-1pct-series-${index}`, 'reindex-scenario.ts', {
        changePercent: 1, filesChanged: 2, filesUnchanged: 98, chunksIndexed: 10, chunksEmbedded: 2, indexSeconds: seconds, cpuSeconds: seconds, collectionsFolded: folded,
      });
    const report = sectionReports([
      run('index-hash-10k-edit', 'index-scenario.ts', { files: 100, chunksIndexed: 1000, chunksEmbedded: 1000, indexSeconds: 10, cpuSeconds: 10 }),
      seriesRun(1, 0.2, 0), seriesRun(2, 0.3, 0), seriesRun(3, 1, 2), seriesRun(4, 0.3, 0),
    ]);
    expect(report.markdown).toContain(
      '| 4 more edits of 1%, one re-index after each | 8 changed in all | 40 | 8 | 0.800 | median 0.30 s; 1 that folded: 1.00 s (2 of 4); mean 0.45 s (CPU 0.45 s) | median 3.0%; mean 4.5% (CPU 4.5%)',
    );
    expect(report.markdown).toContain('`npm run bench -- --only reindex-hash-10k-1pct-series-4`');
    // The series is not the target's run: only the first 1% edit after a full index is.
    expect(report.targets).toEqual([]);
  });

  it("puts the questions asked with the series' recent rows pending beside a freshly built index", () => {
    const asked = (id: string, p50: number) => run(id, 'ask-scenario.ts', { chunksStored: 1000, latencyMs: { samples: 50, p50, p95: p50 * 2, max: p50 * 3, mean: p50 }, cpuMsPerQuestion: p50 });
    const report = sectionReports([
      run('index-hash-10k-edit', 'index-scenario.ts', { files: 100, chunksIndexed: 1000, chunksEmbedded: 1000, indexSeconds: 10, cpuSeconds: 10 }),
      asked('ask-hash-10k', 30), asked('ask-hash-10k-edit-recent', 40),
    ]);
    expect(report.markdown).toMatch(/\| a freshly built index \| 1000 \| [^|]*30[^|]*60[^|]* \| 30 ms \|/);
    expect(report.markdown).toMatch(/\| the edited copy after the series, recent rows pending \| 1000 \| [^|]*40[^|]*80[^|]* \| 40 ms \|/);
    expect(report.markdown).toContain('`npm run bench -- --only ask-hash-10k-edit-recent`');
  });

  it('reports the BM25-only configuration against its own full index, with a target of its own', () => {
    const report = sectionReports([
      run('index-hash-10k-edit', 'index-scenario.ts', { files: 100, chunksIndexed: 1000, chunksEmbedded: 1000, indexSeconds: 10, cpuSeconds: 10 }),
      run('reindex-hash-10k-1pct', 'reindex-scenario.ts', { changePercent: 1, filesChanged: 1, filesUnchanged: 99, chunksIndexed: 10, chunksEmbedded: 2, cacheHitRate: 0.8, indexSeconds: 0.4, cpuSeconds: 0.4 }),
      run('index-none-10k-edit-bm25', 'index-scenario.ts', { files: 100, chunksIndexed: 1000, chunksEmbedded: 0, indexSeconds: 5, cpuSeconds: 5 }),
      run('reindex-none-10k-1pct', 'reindex-scenario.ts', { changePercent: 1, filesChanged: 1, filesUnchanged: 99, chunksIndexed: 10, chunksEmbedded: 0, cacheHitRate: null, indexSeconds: 0.3, cpuSeconds: 0.3 }),
    ]);
    expect(report.markdown).toContain('| 1% of documents edited, BM25 only (the default: no embedder) | 1 changed, 99 unchanged | 10 | 0 | — | 0.30 s (CPU 0.30 s) | 6.0% (CPU 6.0%)');
    expect(report.targets.map((target) => [target.target, target.met])).toEqual([
      ['re-index after 1% of documents changed ≤ 5% of a full index', true],
      ['re-index after 1% of documents changed ≤ 5% of a full index (BM25 only, the default)', false],
    ]);
  });
});

describe('the plan', () => {
  it('keeps the quick profile free of --full scenarios and lets --only pull in what a scenario needs', () => {
    const quick = selectScenarios({ full: false }).map((scenario) => scenario.id);
    expect(quick).toContain('chat-slack');
    expect(quick).not.toContain('ann-hash-100k');
    expect(selectScenarios({ full: false, only: ['reindex-hash-10k-10pct'] }).map((scenario) => scenario.id)).toEqual([
      'index-hash-10k-edit', 'reindex-hash-10k-1pct', 'reindex-hash-10k-10pct',
    ]);
    // The series of 1% edits runs with --full, after the 10% edit, each run after the one before.
    expect(quick.filter((id) => id.includes('-series-'))).toEqual([]);
    const series = selectScenarios({ full: true }).filter((scenario) => scenario.id.includes('-series-'));
    expect(series.map((scenario) => scenario.needs[0])).toEqual([
      'reindex-hash-10k-10pct', ...series.slice(0, -1).map((scenario) => scenario.id),
    ]);
  });
});
