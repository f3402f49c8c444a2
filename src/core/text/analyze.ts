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

const HYPHEN = 0x2d;
// Words to a compound at most, as in "always-compare-med-value".
const COMPOUND_WORDS = 4;

/**
 * The words of the cleaned text and its hyphenated compounds, found in one pass: words joined by
 * single hyphens, up to COMPOUND_WORDS at a time. (A second, hyphenated-word regex backtracked
 * through every word of every passage and cost more than the rest of the analysis.)
 */
const scan = (text: string): { words: string[]; compounds: string[] } => {
  const cleaned = clean(text);
  const found: string[] = [];
  const joined: string[] = [];
  let chain: string[] = [];
  let chainEnd = -1;
  const closeChain = () => {
    const compound = chain.length > 1 ? chain.join('') : '';
    if (compound && compound.length <= 32) joined.push(compound);
  };
  for (const match of cleaned.matchAll(TOKEN)) {
    const word = match[0];
    const hyphenated = match.index === chainEnd + 1 && cleaned.charCodeAt(chainEnd) === HYPHEN;
    if (hyphenated && chain.length > 0 && chain.length < COMPOUND_WORDS) {
      chain.push(word);
    } else {
      closeChain();
      chain = [word];
    }
    chainEnd = match.index + word.length;
    found.push(word);
  }
  closeChain();
  return { words: found, compounds: joined };
};

/**
 * Hyphenated words joined into one ("wi-fi" → "wifi", "on-call" → "oncall"), so either spelling
 * finds the other; the parts are still indexed separately as well.
 */
export const compounds = (text: string): string[] => (text.includes('-') ? scan(text).compounds : []);

/** Index terms: stems of the content words in order (duplicates kept), then joined compounds. */
export const terms = (text: string): string[] => {
  const analyzed = text.includes('-') ? scan(text) : { words: words(text), compounds: [] };
  const result: string[] = [];
  for (const word of analyzed.words) {
    if (word.length > 64 || isStopword(word)) continue;
    result.push(stem(word));
  }
  for (const joined of analyzed.compounds) result.push(stem(joined));
  return result;
};

export const termSet = (text: string): Set<string> => new Set(terms(text));
