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
