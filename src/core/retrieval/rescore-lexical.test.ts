import { describe, expect, it } from 'vitest';
import type { ScoredChunk } from '../chunk.js';
import type { EnglishLexicon } from '../text/english-lexicon.js';
import { sampleChunk } from '../../../test/support/sample-chunks.js';
import type { CorpusStats } from './corpus-stats.js';
import { analyzeQuestion } from './question-terms.js';
import { rescoreLexical } from './rescore-lexical.js';

const stats: CorpusStats = {
  chunkCount: 200,
  averageChunkTokens: 12,
  documentFrequency: new Map([['inc', 40], ['2352', 2], ['2415', 3], ['root', 30], ['caus', 30], ['inc2352', 2], ['inc2415', 3]]),
};
const lexicon: EnglishLexicon = { rank: new Map(), dictionary: new Set() };

describe('rescoreLexical', () => {
  it('scores candidates from different namespaces on one scale', () => {
    // Each namespace's own index scored its chunk with its own statistics: here the other incident wins.
    const hits: ScoredChunk[] = [
      { chunk: sampleChunk({ title: 'INC-2352 postmortem', text: 'Root cause: the zone serial went backwards.' }), namespace: 'acme__postmortems', lexicalScore: 2 },
      { chunk: sampleChunk({ title: 'IPsec runbook', text: 'This was the root cause of INC-2415.' }), namespace: 'acme__runbooks', lexicalScore: 10 },
    ];
    const rescored = rescoreLexical(hits, analyzeQuestion('INC-2352 root cause?', stats, lexicon), stats);
    expect(rescored[0]?.lexicalScore).toBeGreaterThan(rescored[1]?.lexicalScore ?? Number.POSITIVE_INFINITY);
  });

  it('leaves dense-only hits alone', () => {
    const hit: ScoredChunk = { chunk: sampleChunk({ text: 'anything' }), namespace: 'n__c', denseScore: 0.7 };
    expect(rescoreLexical([hit], analyzeQuestion('anything', stats, lexicon), stats)).toEqual([hit]);
  });
});
