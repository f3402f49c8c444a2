import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateQuestions } from './bench-questions.js';
import { summarizeLatencies } from './bench-report.js';
import { ABSENT_TOPICS } from './ops-vocabulary.js';
import { generateCorpus, generateDocument, writeCorpus } from './synthetic-corpus.js';

// Benchmarks compare runs over time, so the corpus must not drift between runs or machines.
describe('generateCorpus', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const first = generateCorpus({ seed: 7, sections: 200 });
    const again = generateCorpus({ seed: 7, sections: 200 });
    const other = generateCorpus({ seed: 8, sections: 200 });
    expect(again).toEqual(first);
    expect(other.map((document) => document.content)).not.toEqual(first.map((document) => document.content));
  });

  it('produces at least the requested sections, overshooting by less than one document', () => {
    for (const sections of [50, 500, 3_000]) {
      const documents = generateCorpus({ seed: 1, sections });
      const total = documents.reduce((sum, document) => sum + document.sections, 0);
      expect(total).toBeGreaterThanOrEqual(sections);
      expect(total - (documents.at(-1)?.sections ?? 0)).toBeLessThan(sections);
    }
  });

  it('counts sections as the headings with body text, the intro included', () => {
    const document = generateDocument(3, 11);
    const headings = document.content.split('\n').filter((line) => /^#{2,3} /.test(line));
    expect(document.sections).toBe(headings.length + 1);
  });

  it('makes a smaller corpus a prefix of a larger one, so indexes can be extended incrementally', () => {
    const small = generateCorpus({ seed: 5, sections: 100 });
    const large = generateCorpus({ seed: 5, sections: 1_000 });
    expect(large.slice(0, small.length)).toEqual(small);
  });

  it('writes Markdown with headings, code blocks and lists into one folder per collection', () => {
    const documents = generateCorpus({ seed: 2, sections: 400 });
    const all = documents.map((document) => document.content).join('\n');
    expect(all).toMatch(/^# /m);
    expect(all).toMatch(/^```bash$/m);
    expect(all).toMatch(/^(- |1\. )/m);
    expect(new Set(documents.map((document) => document.path.split('/')[0]))).toEqual(
      new Set(['runbooks', 'postmortems', 'standards', 'faq']),
    );
    for (const document of documents) expect(document.content).toContain(document.rareTokens[0]);
  });

  it('writes the files dated as asked, so a first incremental run does not re-read a corpus written just before its index', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'ragbot-corpus-'));
    const documents = generateCorpus({ seed: 3, sections: 40 });
    const modifiedAt = new Date('2026-11-01T10:00:00.000Z');
    await writeCorpus(directory, documents, { modifiedAt });
    for (const document of documents) expect((await stat(join(directory, document.path))).mtime).toEqual(modifiedAt);
    await rm(directory, { recursive: true, force: true });
  });
});

describe('generateQuestions', () => {
  it('mixes questions about the corpus with questions about absent topics, deterministically', () => {
    const documents = generateCorpus({ seed: 4, sections: 300 });
    const questions = generateQuestions(documents, { seed: 4, count: 50 });
    expect(generateQuestions(documents, { seed: 4, count: 50 })).toEqual(questions);
    expect(new Set(questions.map((question) => question.text)).size).toBe(50);
    const absent = questions.filter((question) => question.kind === 'absent');
    expect(absent).toHaveLength(15);
    const corpusText = documents.map((document) => document.content.toLowerCase()).join('\n');
    for (const topic of ABSENT_TOPICS) expect(corpusText).not.toContain(topic.split(' ')[0]);
  });
});

describe('summarizeLatencies', () => {
  it('reports nearest-rank percentiles', () => {
    const summary = summarizeLatencies(Array.from({ length: 100 }, (_, index) => 100 - index));
    expect(summary).toMatchObject({ samples: 100, p50: 50, p95: 95, max: 100, mean: 50.5 });
  });
});
