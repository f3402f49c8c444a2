import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compounds, terms, words } from './analyze.js';

describe('text analysis', () => {
  it('lowercases, normalizes and drops invisible and direction-override characters', () => {
    expect(words('Drain\u200B the ＨＡＰroxy\u202E backend')).toEqual(['drain', 'the', 'haproxy', 'backend']);
  });

  it('stems content words and drops stop words and chat filler', () => {
    expect(terms('hey pls how do I rotate the certificates asap')).toEqual(['rotat', 'certif']);
  });

  it('keeps technical tokens, numbers and hyphenated parts', () => {
    expect(terms('always-compare-med on AS64512 with maximum-prefix 2000')).toEqual([
      'alwai', 'compar', 'med', 'as64512', 'maximum', 'prefix', '2000', 'alwayscomparem', 'maximumprefix',
    ]);
  });

  it('joins hyphenated words so either spelling matches', () => {
    expect(compounds('Join the Wi-Fi; on-call rota; a - b')).toEqual(['wifi', 'oncall']);
  });
});

describe('compounds, against the pattern they replaced', () => {
  // The regex the one-pass scan replaced: the scan must find exactly what it found.
  const HYPHENATED = /[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+){1,3}/gu;
  const byPattern = (text: string) =>
    text.includes('-')
      ? (text.normalize('NFKC').toLowerCase().match(HYPHENATED) ?? []).map((compound) => compound.replaceAll('-', '')).filter((joined) => joined.length <= 32)
      : [];
  const pieces = ['a', 'bgp', 'Wi', 'fi', '2000', 'é', 'über', '-', '-', '-', '--', ' ', ' ', '.', '_', '|', '\n', 'x'.repeat(20), 'on-call'];

  it('finds the same compounds on random texts of words, hyphens and punctuation', () => {
    const texts = fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 30 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(texts, (text) => {
        expect(compounds(text)).toEqual(byPattern(text));
      }),
      { numRuns: 2_000, seed: 7 },
    );
  });

  it('joins at most four words at a time, and starts again after', () => {
    expect(compounds('a-b-c-d-e-f')).toEqual(['abcd', 'ef']);
    expect(compounds('x--y -z w-')).toEqual([]);
  });
});
