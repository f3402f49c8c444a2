import { describe, expect, it } from 'vitest';
import { sampleChunk } from '../../../test/support/sample-chunks.js';
import type { CorpusStats } from './corpus-stats.js';
import { evidenceCoverage } from './evidence.js';
import { analyzeQuestion } from './question-terms.js';
import { DEFAULT_RETRIEVAL_SETTINGS } from './retrieval-settings.js';
import type { EnglishLexicon } from '../text/english-lexicon.js';

const stats: CorpusStats = {
  chunkCount: 100,
  averageChunkTokens: 200,
  documentFrequency: new Map([
    ['bgp', 10], ['session', 30], ['flap', 3], ['acm', 90], ['timer', 5], ['hold', 4], ['kubernet', 6], ['node', 20],
    ['cordon', 2], ['bandwidth', 3], ['name', 40], ['server', 50],
  ]),
};
const lexicon: EnglishLexicon = { rank: new Map([['tonight', 300], ['think', 60]]), dictionary: new Set(['tonight', 'think', 'guardrail']) };
const terms = (question: string) => analyzeQuestion(question, stats, lexicon);

describe('analyzeQuestion', () => {
  it('weighs an unseen non-English word (a subject the corpus lacks) above everything else', () => {
    const byWord = Object.fromEntries(terms('bgp hold timer on kafka tonight').map((term) => [term.word, term.weight]));
    expect(byWord.kafka).toBeGreaterThan(Math.max(byWord.bgp ?? 0, byWord.hold ?? 0, byWord.timer ?? 0));
    expect(byWord.tonight).toBe(0.5);
  });

  it('takes a misspelt corpus word as that word, and splits unseen compounds of corpus words', () => {
    const [bandwidth] = terms('bandwith');
    expect(bandwidth?.correction).toBe('bandwidth');
    const [nameservers] = terms('nameservers');
    expect(nameservers?.alternatives).toContainEqual(['name', 'server']);
  });
});

describe('evidenceCoverage', () => {
  const passage = sampleChunk({ title: 'BGP triage', text: 'When a BGP session flaps, check the hold timer at Acme edge routers.' });

  it('is complete when the passages contain every question term', () => {
    expect(evidenceCoverage(terms('bgp session flapping, what is the hold timer?'), [passage])).toBe(1);
  });

  it('falls far when a subject the corpus lacks is asked about, less for missing phrasing', () => {
    const missingSubject = evidenceCoverage(terms('bgp session hold timer on kafka'), [passage]);
    const missingPhrasing = evidenceCoverage(terms('bgp session hold timer tonight'), [passage]);
    expect(missingSubject).toBeLessThan(DEFAULT_RETRIEVAL_SETTINGS.minEvidence);
    expect(missingPhrasing).toBeGreaterThan(0.8);
  });

  it('counts spelled-out forms of shorthand as covering it', () => {
    const kubernetes = sampleChunk({ text: 'Cordon the Kubernetes node before draining it.' });
    expect(evidenceCoverage(terms('k8s node cordon'), [kubernetes])).toBe(1);
  });

  it('is zero without passages or content words', () => {
    expect(evidenceCoverage(terms('bgp'), [])).toBe(0);
    expect(evidenceCoverage(terms('how do I'), [passage])).toBe(0);
  });
});
