import { compounds, isStopword, stem, words } from '../text/analyze.js';
import { isEnglish, specificity, type EnglishLexicon } from '../text/english-lexicon.js';
import { boundedEditDistance } from '../text/edit-distance.js';
import { inverseDocumentFrequency, type CorpusStats } from './corpus-stats.js';
import { equivalentStems } from './query-expansion.js';

export type QuestionTerm = {
  word: string;
  /** Ways the term can appear in a passage: each a list of stems that must all be present. */
  alternatives: string[][];
  /** How much the term says about what is asked (its share of the evidence). */
  weight: number;
  /** The corpus term a misspelt word was taken for. */
  correction?: string;
};

/** An unseen word that is everyday English is phrasing; it still counts, a little. */
const PHRASING_WEIGHT = 0.5;
/** An unseen word that is not everyday English names a subject the corpus lacks: it weighs most. */
const UNKNOWN_SUBJECT_FACTOR = 1.5;

// When something happened frames a chat question ("since the maintenance on tuesday") but is
// seldom what it asks about; calendar words weigh like phrasing.
const CALENDAR = new Set(
  `january february march april may june july august september october november december jan feb mar apr jun jul aug
  sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thurs fri sat sun
  today tonight yesterday tomorrow morning afternoon evening night weekend overnight`.split(/\s+/),
);

const frequencyOf = (stats: CorpusStats, alternative: string[]) =>
  Math.min(...alternative.map((term) => stats.documentFrequency.get(term) ?? 0));

/** The most frequent corpus term within one typo (two for long words) of an unseen stem. */
const correct = (stemmed: string, stats: CorpusStats): string | undefined => {
  const limit = stemmed.length >= 8 ? 2 : 1;
  let best: { term: string; frequency: number } | undefined;
  for (const [term, frequency] of stats.documentFrequency) {
    if (term.length < 4 || /\d/.test(term)) continue;
    if (boundedEditDistance(stemmed, term, limit) > limit) continue;
    if (!best || frequency > best.frequency) best = { term, frequency };
  }
  return best?.term;
};

/** "nameservers" → name + servers: an unseen word made of two corpus words is those words. */
const decompound = (word: string, stats: CorpusStats): string[] | undefined => {
  let best: { parts: string[]; frequency: number } | undefined;
  for (let split = 3; split <= word.length - 3; split++) {
    const parts = [stem(word.slice(0, split)), stem(word.slice(split))];
    const frequency = Math.min(...parts.map((part) => stats.documentFrequency.get(part) ?? 0));
    if (frequency > 0 && (!best || frequency > best.frequency)) best = { parts, frequency };
  }
  return best?.parts;
};

/**
 * The question's content words, weighted by what they reveal: corpus IDF for known terms, little
 * for unseen everyday words ("tonight"), most for unseen names ("kafka"); misspellings of corpus
 * terms ("bandwith") are taken as the term.
 */
export const analyzeQuestion = (question: string, stats: CorpusStats, lexicon: EnglishLexicon): QuestionTerm[] => {
  // A joined compound the corpus never uses adds nothing: its parts already count.
  const seenCompounds = compounds(question).filter((joined) => (stats.documentFrequency.get(stem(joined)) ?? 0) > 0);
  const candidates = [...new Set([...words(question).filter((word) => word.length > 1 && !isStopword(word)), ...seenCompounds])];
  const maxWeight = Math.log(1 + (stats.chunkCount + 0.5) / 0.5);
  return candidates.map((word) => {
    const alternatives = equivalentStems(word);
    if (CALENDAR.has(word)) return { word, alternatives, weight: PHRASING_WEIGHT };
    const frequency = Math.max(...alternatives.map((alternative) => frequencyOf(stats, alternative)));
    if (frequency > 0) {
      const best = alternatives.find((alternative) => frequencyOf(stats, alternative) === frequency)?.[0] ?? '';
      return { word, alternatives, weight: inverseDocumentFrequency(stats, best) * specificity(word, lexicon) };
    }
    const everyday = isEnglish(word, lexicon) || /\d/.test(word) || word.length <= 2;
    if (everyday) return { word, alternatives, weight: PHRASING_WEIGHT };
    const correction = word.length >= 5 ? correct(stem(word), stats) : undefined;
    if (correction) {
      return { word, alternatives: [...alternatives, [correction]], weight: inverseDocumentFrequency(stats, correction), correction };
    }
    const parts = word.length >= 7 ? decompound(word, stats) : undefined;
    if (parts) {
      return { word, alternatives: [...alternatives, parts], weight: Math.max(...parts.map((part) => inverseDocumentFrequency(stats, part))) };
    }
    return { word, alternatives, weight: UNKNOWN_SUBJECT_FACTOR * maxWeight };
  });
};
