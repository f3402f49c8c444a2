/**
 * Deterministic synthetic operations documentation: Markdown runbooks, postmortems, standards and
 * FAQs with headings, paragraphs, lists, tables and code blocks. Sized in sections, because the
 * chunker (not this file) decides passage sizes; run-bench calibrates sections per chunk.
 */
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  ACTIONS, ADVERBS, COLLECTIONS, COMMANDS, FILLER, ROLES, SITES, STATES, SUBJECTS, SYMPTOMS, rareToken,
} from './ops-vocabulary.js';
import { createRandom, deriveSeed, type Random } from './seeded-random.js';

export type SyntheticDocument = {
  /** Relative path, `collection/name.md`: each top-level folder is indexed as a collection. */
  path: string;
  collection: string;
  title: string;
  /** The document's topic, reused by the question generator so questions can hit it. */
  topic: { subject: string; action: string; site: string; symptom: string };
  rareTokens: string[];
  /** Sections with body text, the intro under the title included. */
  sections: number;
  content: string;
};

const RARE_PER_DOCUMENT = 3;
const KIND_TITLES: Record<string, string> = { runbooks: 'Runbook', postmortems: 'Postmortem', standards: 'Standard', faq: 'FAQ' };

const capitalize = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
const host = (random: Random, site: string) => `${random.pick(['lb', 'rtr', 'sw', 'db', 'api', 'ns'])}${random.integer(1, 9)}.${site}.acme.net`;

/** One sentence from a handful of templates; the document's rare tokens appear in some of them. */
const sentence = (random: Random, document: { site: string; rare: string[] }): string => {
  const subject = random.pick(SUBJECTS);
  const templates = [
    () => `Before you ${random.pick(ACTIONS)} the ${subject} in ${document.site}, confirm that ${random.pick(FILLER)} reports ${random.pick(STATES)}.`,
    () => `If ${random.pick(SYMPTOMS)} persists for more than ${random.integer(2, 30)} minutes, page the ${random.pick(ROLES)} and update ${random.pick(FILLER)}.`,
    () => `The ${subject} on \`${host(random, document.site)}\` normally shows ${random.pick(STATES)}; ${random.pick(SYMPTOMS)} usually means ${random.pick(FILLER)} is misconfigured.`,
    () => `Run the check ${random.pick(ADVERBS)} and record the output in ${random.pick(FILLER)}.`,
    () => `We ${random.pick(ACTIONS)} the ${subject} ${random.pick(ADVERBS)} because ${random.pick(SYMPTOMS)} caused an outage in ${random.integer(2019, 2026)}.`,
    () => `Do not ${random.pick(ACTIONS)} more than ${random.integer(2, 6)} of them per site at once, and keep port ${random.integer(1024, 9999)} open.`,
    () => `Error \`${random.pick(document.rare)}\` indicates ${random.pick(SYMPTOMS)} between the ${subject} and the ${random.pick(SUBJECTS)}.`,
    () => `Ask the ${random.pick(ROLES)} to ${random.pick(ACTIONS)} the ${subject} if ${random.pick(FILLER)} disagrees with ${random.pick(FILLER)}.`,
  ];
  return random.pick(templates)();
};

const paragraph = (random: Random, document: { site: string; rare: string[] }) =>
  Array.from({ length: random.integer(2, 5) }, () => sentence(random, document)).join(' ');

const codeBlock = (random: Random, site: string) =>
  ['```bash', ...random.sample(COMMANDS, random.integer(2, 5)).map((command) => command.replace('example.net', `${site}.acme.net`)), '```'].join('\n');

const list = (random: Random, document: { site: string }) => {
  const ordered = random.chance(0.5);
  return Array.from({ length: random.integer(3, 6) }, (_, index) =>
    `${ordered ? `${index + 1}.` : '-'} ${capitalize(random.pick(ACTIONS))} the ${random.pick(SUBJECTS)} on \`${host(random, document.site)}\` ${random.pick(ADVERBS)}.`,
  ).join('\n');
};

const table = (random: Random, document: { site: string }) => {
  const rows = Array.from({ length: random.integer(2, 4) }, () =>
    `| \`${host(random, document.site)}\` | ${random.pick(STATES)} | ${random.integer(1, 500)} ms | ${random.pick(ROLES)} |`);
  return ['| Host | State | Timeout | Owner |', '|------|-------|---------|-------|', ...rows].join('\n');
};

const sectionHeading = (random: Random, topic: SyntheticDocument['topic'], rare: string[]) =>
  random.pick([
    () => 'When to use this', () => 'Background', () => 'Prerequisites', () => 'Verification', () => 'Rollback',
    () => 'Escalation', () => 'Root cause', () => 'Action items', () => 'Exceptions', () => 'Timeline',
    () => `${capitalize(topic.action)} the ${topic.subject}`, () => `Symptoms of ${random.pick(SYMPTOMS)}`,
    () => `Known issues with ${random.pick(rare)}`, () => `${capitalize(random.pick(ACTIONS))} the ${random.pick(SUBJECTS)}`,
  ])();

const sectionBody = (random: Random, document: { site: string; rare: string[] }): string => {
  const blocks = Array.from({ length: random.integer(1, 3) }, () => paragraph(random, document));
  if (random.chance(0.4)) blocks.push(codeBlock(random, document.site));
  if (random.chance(0.35)) blocks.push(list(random, document));
  if (random.chance(0.1)) blocks.push(table(random, document));
  return blocks.join('\n\n');
};

/** Document `index` of the corpus with this seed; independent of every other document. */
export const generateDocument = (seed: number, index: number): SyntheticDocument => {
  const random = createRandom(deriveSeed(seed, index));
  const collection = COLLECTIONS[index % COLLECTIONS.length] as string;
  const topic = { subject: random.pick(SUBJECTS), action: random.pick(ACTIONS), site: random.pick(SITES), symptom: random.pick(SYMPTOMS) };
  const rareTokens = Array.from({ length: RARE_PER_DOCUMENT }, (_, offset) => rareToken(seed, index * RARE_PER_DOCUMENT + offset));
  // A neighbour's token now and then, as documents cross-reference each other.
  const rare = index > 0 && random.chance(0.2) ? [...rareTokens, rareToken(seed, (index - 1) * RARE_PER_DOCUMENT)] : rareTokens;
  const title = `${KIND_TITLES[collection]}: ${capitalize(topic.action)} the ${topic.subject} in ${topic.site}`;
  const context = { site: topic.site, rare };
  const lines = [
    `# ${title}`, '',
    `**Owner:** ${random.pick(ROLES)} · **Applies to:** ${topic.site} · **Last reviewed:** 2026-0${random.integer(1, 9)}-1${random.integer(0, 9)}`, '',
    // Every own rare token appears at least once, so a question naming one has an answer.
    `This document explains how to ${topic.action} the ${topic.subject} in ${topic.site} when ${topic.symptom} is reported ` +
      `(related alerts: ${rareTokens.map((token) => `\`${token}\``).join(', ')}). ${paragraph(random, context)}`,
  ];
  let sections = 1;
  const headings = random.integer(3, 8);
  for (let heading = 0; heading < headings; heading++) {
    const level = heading > 0 && random.chance(0.25) ? '###' : '##';
    lines.push('', `${level} ${sectionHeading(random, topic, rare)}`, '', sectionBody(random, context));
    sections++;
  }
  const slug = `${topic.action}-${topic.subject}`.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return { path: `${collection}/${slug}-${String(index).padStart(5, '0')}.md`, collection, title, topic, rareTokens, sections, content: `${lines.join('\n')}\n` };
};

/** Documents 0, 1, 2… until the corpus holds at least `sections` sections: the same prefix for any size. */
export const generateCorpus = (options: { seed: number; sections: number }): SyntheticDocument[] => {
  const documents: SyntheticDocument[] = [];
  let sections = 0;
  while (sections < options.sections) {
    const document = generateDocument(options.seed, documents.length);
    documents.push(document);
    sections += document.sections;
  }
  return documents;
};

/** Writes the documents; `modifiedAt` dates every file (a corpus that existed before, not one written just now). */
export const writeCorpus = async (directory: string, documents: SyntheticDocument[], options: { modifiedAt?: Date } = {}): Promise<void> => {
  const folders = new Set(documents.map((document) => dirname(join(directory, document.path))));
  await Promise.all([...folders].map((folder) => mkdir(folder, { recursive: true })));
  // Bounded batches: thousands of concurrent writes would only queue up in libuv.
  for (let start = 0; start < documents.length; start += 64) {
    await Promise.all(documents.slice(start, start + 64).map(async (document) => {
      const path = join(directory, document.path);
      await writeFile(path, document.content);
      if (options.modifiedAt) await utimes(path, options.modifiedAt, options.modifiedAt);
    }));
  }
};
