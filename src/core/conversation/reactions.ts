import type { Sentiment } from '../feedback.js';

// Design §5: 👍 ✅ → helpful; 👎 ❌ → not-helpful; 🕰 ⌛ → outdated; 🔍 → missing. Slack names its
// emoji (+1, white_check_mark…); Teams reacts with like, heart, sad, angry; the feedback loop says
// like / dislike; unicode is accepted too.
const SENTIMENTS: Record<string, Sentiment> = {
  '+1': 'helpful', thumbsup: 'helpful', white_check_mark: 'helpful', heavy_check_mark: 'helpful', like: 'helpful', heart: 'helpful',
  '👍': 'helpful', '✅': 'helpful', '✔️': 'helpful',
  '-1': 'not-helpful', thumbsdown: 'not-helpful', x: 'not-helpful', negative_squared_cross_mark: 'not-helpful', dislike: 'not-helpful',
  sad: 'not-helpful', angry: 'not-helpful', '👎': 'not-helpful', '❌': 'not-helpful',
  mantelpiece_clock: 'outdated', clock: 'outdated', hourglass: 'outdated', hourglass_flowing_sand: 'outdated', '🕰️': 'outdated', '🕰': 'outdated',
  '⌛': 'outdated', '⏳': 'outdated',
  mag: 'missing', mag_right: 'missing', '🔍': 'missing', '🔎': 'missing',
};

/** The sentiment a reaction expresses, or undefined for reactions that are not feedback. */
export const sentimentOf = (reaction: string): Sentiment | undefined =>
  // Slack appends skin tones: "+1::skin-tone-3".
  SENTIMENTS[reaction.split('::')[0]?.toLowerCase() ?? ''] ?? SENTIMENTS[reaction];
