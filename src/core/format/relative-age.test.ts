import { describe, expect, it } from 'vitest';
import { relativeAge } from './relative-age.js';

describe('relativeAge', () => {
  const now = new Date('2026-11-21T12:00:00Z');
  it.each([
    ['2026-08-20T12:00:00Z', '3 months ago'],
    ['2026-11-20T11:00:00Z', '1 day ago'],
    ['2024-11-01T00:00:00Z', '2 years ago'],
    ['2026-11-21T11:59:30Z', 'just now'],
    ['not a date', 'at an unknown time'],
  ])('%s is %s', (time, expected) => {
    expect(relativeAge(time, now)).toBe(expected);
  });
});
