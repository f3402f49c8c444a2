import { describe, expect, it } from 'vitest';
import { checkCitationMarkers } from './citation-markers.js';

describe('checkCitationMarkers', () => {
  it('renumbers cited sources in order of first appearance', () => {
    expect(checkCitationMarkers('First [3]. Then [1]. Again [3].', 3)).toEqual({ text: 'First [1]. Then [2]. Again [1].', cited: [3, 1] });
  });

  it('drops markers without a source, with their space', () => {
    expect(checkCitationMarkers('Do it [0] now [9].', 2)).toEqual({ text: 'Do it now.', cited: [] });
  });

  it('collapses a repeated marker', () => {
    expect(checkCitationMarkers('Drain first [2][2].', 2)).toEqual({ text: 'Drain first [1].', cited: [2] });
  });
});
