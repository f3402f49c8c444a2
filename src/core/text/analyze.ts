import { stemmer } from 'stemmer';

// English function words plus the filler engineers type in chat ("pls", "anyone know").
const STOPWORDS = new Set(
  `a about above after again against all am an and any are as at be because been before being below between both
  but by can could did do does doing down during each few for from further had has have having he her here hers him
  his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other our
  ours out over own same she should so some such than that the their theirs them then there these they this those
  through to too under until up very was we were what when where which while who whom why will with would you your
  yours yourself yourselves hi hey hello pls please plz thanks thx anyone someone somebody know tell need want wants
  get got us i'm im ive i've we're weve we've what's whats hows how's does doesn't dont don't can't cant should
  shall might must may also via etc e.g eg ie i.e asap urgent quick quickly again actually basically
  often frequently usually normally typically generally supposed exactly correct correctly right properly proper
  best way ways thing things stuff something anything everything much many lot lots kind sort guys folks team
  currently still already ever even maybe possible possibly really okay ok yes yeah wat wut ty afaik iirc imo
  tbh btw fyi lol eod`.split(/\s+/),
);

const ZERO_WIDTH = /[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g;
const TOKEN = /[\p{L}\p{N}]+/gu;

const clean = (text: string): string => {
  // NFKC is the expensive part; plain ASCII (most documentation) needs none.
  const normalized = /[^\x00-\x7f]/.test(text) ? text.normalize('NFKC').replace(ZERO_WIDTH, '') : text;
  return normalized.toLowerCase();
};

/** Lowercased, NFKC-normalized words with invisible and direction-override characters removed. */
export const words = (text: string): string[] => clean(text).match(TOKEN) ?? [];

export const isStopword = (word: string): boolean => STOPWORDS.has(word);

const stemCache = new Map<string, string>();
/** Porter stem, memoized: the same few thousand words recur in every passage. */
export const stem = (word: string): string => {
  let stemmed = stemCache.get(word);
  if (stemmed === undefined) {
    stemmed = /^\d/.test(word) ? word : stemmer(word);
    if (stemCache.size > 200_000) stemCache.clear();
    stemCache.set(word, stemmed);
  }
  return stemmed;
};

const HYPHENATED = /[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+){1,3}/gu;

/**
 * Hyphenated words joined into one ("wi-fi" → "wifi", "on-call" → "oncall"), so either spelling
 * finds the other; the parts are still indexed separately as well.
 */
export const compounds = (text: string): string[] =>
  text.includes('-')
    ? (clean(text).match(HYPHENATED) ?? []).map((compound) => compound.replaceAll('-', '')).filter((joined) => joined.length <= 32)
    : [];

/** Index terms: stems of the content words in order (duplicates kept), then joined compounds. */
export const terms = (text: string): string[] => {
  const result: string[] = [];
  for (const word of words(text)) {
    if (word.length > 64 || isStopword(word)) continue;
    result.push(stem(word));
  }
  for (const joined of compounds(text)) result.push(stem(joined));
  return result;
};

export const termSet = (text: string): Set<string> => new Set(terms(text));
