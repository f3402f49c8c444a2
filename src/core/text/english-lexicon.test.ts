import { describe, expect, it } from 'vitest';
import { boundedEditDistance } from './edit-distance.js';
import { isEnglish, loadEnglishLexicon, specificity } from './english-lexicon.js';

describe('the English lexicon', () => {
  it('knows everyday and dictionary words but not product names', async () => {
    const lexicon = await loadEnglishLexicon();
    for (const word of ['tonight', 'guardrail', 'regulator', 'drain']) expect(isEnglish(word, lexicon), word).toBe(true);
    for (const word of ['kafka', 'okta', 'elasticsearch', 'datadog']) expect(isEnglish(word, lexicon), word).toBe(false);
  });

  it('trusts corpus rarity less for the most frequent spoken words', async () => {
    const lexicon = await loadEnglishLexicon();
    expect(specificity('think', lexicon)).toBeLessThan(0.4);
    expect(specificity('drain', lexicon)).toBeGreaterThan(0.95);
    expect(specificity('haproxy', lexicon)).toBe(1);
  });
});

describe('boundedEditDistance', () => {
  it.each([
    ['bandwith', 'bandwidth', 2, 1],
    ['kitten', 'sitting', 3, 3],
    ['kitten', 'sitting', 1, 2],
    ['same', 'same', 1, 0],
  ])('%s → %s within %i is %i', (left, right, limit, expected) => {
    expect(boundedEditDistance(left, right, limit)).toBe(expected);
  });
});
