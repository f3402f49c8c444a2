import { describe, expect, it } from 'vitest';
import { sampleChunk } from '../../../test/support/sample-chunks.js';
import type { CorpusStats } from './corpus-stats.js';
import { evidenceCoverage } from './evidence.js';

const stats: CorpusStats = {
  chunkCount: 100,
  averageChunkTokens: 200,
  documentFrequency: new Map([['bgp', 10], ['session', 30], ['flap', 3], ['acm', 90], ['timer', 5], ['hold', 4]]),
};

describe('evidenceCoverage', () => {
  const passage = sampleChunk({ title: 'BGP triage', text: 'When a BGP session flaps, check the hold timer at Acme edge routers.' });

  it('is complete when the passages contain every question term', () => {
    expect(evidenceCoverage('bgp session flapping, what is the hold timer?', [passage], stats)).toBe(1);
  });

  it('falls when a rare question term is missing, more than for a common one', () => {
    const missingRare = evidenceCoverage('bgp session hold timer on kafka', [passage], stats);
    const missingCommon = evidenceCoverage('bgp session hold timer acme', [sampleChunk({ text: 'BGP session hold timer' })], stats);
    expect(missingRare).toBeLessThan(0.8);
    expect(missingCommon).toBeGreaterThan(missingRare);
  });

  it('counts spelled-out forms of shorthand as covering it', () => {
    const kubernetes = sampleChunk({ text: 'Cordon the Kubernetes node before draining it.' });
    expect(evidenceCoverage('k8s node cordon', [kubernetes], stats)).toBe(1);
  });

  it('is zero without passages or content words', () => {
    expect(evidenceCoverage('bgp', [], stats)).toBe(0);
    expect(evidenceCoverage('how do I', [passage], stats)).toBe(0);
  });
});
