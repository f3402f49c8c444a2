/**
 * Questions for the ask benchmark, from the corpus's own vocabulary. Latency depends on what a
 * question matches: rare tokens give short posting lists, common words long ones, and absent
 * topics exercise the abstention path, so the set mixes all three.
 */
import { ABSENT_TOPICS, ACTIONS, ROLES, SITES, SUBJECTS, SYMPTOMS } from './ops-vocabulary.js';
import { createRandom } from './seeded-random.js';
import type { SyntheticDocument } from './synthetic-corpus.js';

export type BenchQuestion = {
  text: string;
  /** `present`: about a document of the corpus; `absent`: about a topic it never covers. */
  kind: 'present' | 'absent';
};

const presentTemplates: ((document: SyntheticDocument, pick: <T>(items: readonly T[]) => T) => string)[] = [
  ({ topic }) => `how do I ${topic.action} the ${topic.subject} in ${topic.site}?`,
  ({ rareTokens }, pick) => `what does ${pick(rareTokens)} mean?`,
  ({ topic }) => `${topic.symptom} on the ${topic.subject} in ${topic.site}, what should I check`,
  ({ topic }, pick) => `who do I page for ${topic.symptom}? is it the ${pick(ROLES)}`,
  ({ topic, rareTokens }, pick) => `steps to ${topic.action} ${topic.subject} after ${pick(rareTokens)}`,
  ({ topic }) => `${topic.subject} ${topic.symptom}`,
  ({ topic }, pick) => `can I ${topic.action} more than ${pick(['2', '3', '4'])} of them per site at once in ${topic.site}?`,
];

const absentTemplates: ((topic: string, pick: <T>(items: readonly T[]) => T) => string)[] = [
  (topic) => `how do I fix ${topic}?`,
  (topic) => `${topic} runbook`,
  // Mixes absent words with present ones: the evidence check, not the retriever, must abstain.
  (topic, pick) => `what is the policy for ${topic} in ${pick(SITES)}?`,
  (topic, pick) => `${pick(ACTIONS)} ${topic} on the ${pick(SUBJECTS)} during ${pick(SYMPTOMS)}`,
];

/**
 * `count` distinct questions, 70% about documents of the corpus and 30% about absent topics.
 * Distinct, because the answer cache would serve a repeated question without retrieving.
 */
export const generateQuestions = (documents: SyntheticDocument[], options: { seed: number; count: number }): BenchQuestion[] => {
  if (documents.length === 0) throw new Error('no documents to ask about');
  const random = createRandom(options.seed);
  const pick = <T>(items: readonly T[]) => random.pick(items);
  const questions: BenchQuestion[] = [];
  const seen = new Set<string>();
  for (let attempt = 0; questions.length < options.count; attempt++) {
    if (attempt > options.count * 20) throw new Error(`could not make ${options.count} distinct questions`);
    // Three in ten are absent, spread through the list rather than bunched.
    const slot = questions.length % 10;
    const question: BenchQuestion = slot === 3 || slot === 6 || slot === 9
      ? { kind: 'absent', text: random.pick(absentTemplates)(random.pick(ABSENT_TOPICS), pick) }
      : { kind: 'present', text: random.pick(presentTemplates)(random.pick(documents), pick) };
    if (seen.has(question.text)) continue;
    seen.add(question.text);
    questions.push(question);
  }
  return questions;
};
