import type { types } from '@slack/bolt';
import type { Answer, Citation } from '../../src/core/answer.js';
import { relativeAge } from '../../src/core/format/relative-age.js';
import { MAX_SECTION_CHARACTERS, markdownToMrkdwn, safeMrkdwn, splitMrkdwn, truncateMrkdwn } from './slack-mrkdwn.js';

type KnownBlock = types.KnownBlock;
type ContextBlock = types.ContextBlock;

/** Slack refuses a message with more blocks than this, and a context block with more elements. */
export const MAX_BLOCKS = 50;
const MAX_CONTEXT_ELEMENTS = 10;
// Notifications and clients without blocks show `text`; thread history reads it back as the bot's turn.
const FALLBACK_CHARACTERS = 3_000;
const TRUNCATED_NOTE = '_…the rest of this answer is too long for one Slack message._';

export type RenderedMessage = { text: string; blocks: KnownBlock[] };

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });

/** Context blocks of up to ten mrkdwn elements each. */
const contextBlocks = (lines: string[]): ContextBlock[] => {
  const blocks: ContextBlock[] = [];
  for (let start = 0; start < lines.length; start += MAX_CONTEXT_ELEMENTS) {
    blocks.push({
      type: 'context',
      elements: lines.slice(start, start + MAX_CONTEXT_ELEMENTS).map((line) => ({ type: 'mrkdwn', text: truncateMrkdwn(line, MAX_SECTION_CHARACTERS) })),
    });
  }
  return blocks;
};

/** A link target Slack can parse: http(s) only, no character that would end the `<…|…>` syntax. */
const linkTarget = (citation: Citation): string | undefined => {
  if (!citation.url || !/^https?:\/\//i.test(citation.url)) return undefined;
  const withAnchor = citation.anchor && !citation.url.includes('#') ? `${citation.url}#${citation.anchor}` : citation.url;
  return withAnchor.replace(/&/g, '&amp;').replace(/[\s|<>]/g, (character) => encodeURIComponent(character));
};

/** `[n] <url|title> › section · collection · updated 3 months ago`; the path instead of a link when there is no URL. */
export const sourceLine = (citation: Citation, now: Date = new Date()): string => {
  const title = safeMrkdwn(citation.title || citation.path);
  const target = linkTarget(citation);
  const head = target ? `<${target}|${title.replace(/\|/g, '¦')}>` : `*${title.replace(/\*/g, '')}*`;
  const sectionName = citation.section && citation.section !== citation.title ? ` › ${safeMrkdwn(citation.section)}` : '';
  const details = [
    ...(target ? [] : [`\`${safeMrkdwn(citation.path).replace(/`/g, "'")}\``]),
    safeMrkdwn(citation.collection),
    `updated ${relativeAge(citation.updatedAt, now)}`,
  ];
  return `[${citation.n}] ${head}${sectionName} · ${details.join(' · ')}`;
};

/** Why an answer is degraded, in the reader's terms; the technical reason goes to the logs. */
export const degradedNote = (answer: Answer): string => {
  if (/^search unavailable/i.test(answer.degradedReason ?? '')) return 'search is unavailable right now';
  if (answer.provider.startsWith('extractive')) return 'answered without the language model, which is unavailable: these are passages quoted from the sources';
  if (answer.provider === 'none') return 'the language model is unavailable: these are the sources that look relevant';
  return `answered by a fallback model (${answer.provider}) because the preferred one is unavailable`;
};

const footer = (answer: Answer): string => {
  const searched = answer.scope.length > 0 ? `Searched: ${answer.scope.map((collection) => `\`${safeMrkdwn(collection)}\``).join(', ')}` : '';
  return [searched, 'React with :+1: or :-1: to rate this answer'].filter(Boolean).join(' · ');
};

/**
 * An answer as Block Kit: the text in sections of at most 3,000 characters (split between
 * paragraphs, lines or sentences, never inside a `[n]` marker, a link or a code fence), its sources,
 * what was searched, and plainly whether it is degraded, a no-answer or a refusal. At most 50 blocks.
 */
export const renderSlackAnswer = (answer: Answer, options: { now?: Date } = {}): RenderedMessage => {
  const now = options.now ?? new Date();
  const body = markdownToMrkdwn(answer.text);
  const head: KnownBlock[] = answer.outcome === 'degraded' ? contextBlocks([`:warning: *Degraded:* ${degradedNote(answer)}.`]) : [];
  const tail: KnownBlock[] = [];
  if (answer.citations.length > 0) tail.push(...contextBlocks(answer.citations.map((citation) => sourceLine(citation, now))));
  if (answer.notices && answer.notices.length > 0) tail.push(...contextBlocks(answer.notices.map((notice) => `:information_source: ${safeMrkdwn(notice)}`)));
  if (answer.outcome !== 'refused') tail.push(...contextBlocks([footer(answer)]));

  let sections = splitMrkdwn(body);
  const room = MAX_BLOCKS - head.length - tail.length;
  if (sections.length > room) {
    const kept = sections.slice(0, Math.max(1, room));
    const last = kept.pop() ?? '';
    const shortened = splitMrkdwn(last, MAX_SECTION_CHARACTERS - TRUNCATED_NOTE.length - 2)[0] ?? '';
    sections = [...kept, `${shortened}\n\n${TRUNCATED_NOTE}`];
  }
  if (sections.length === 0) sections = ['_(empty answer)_'];

  const prefix = answer.outcome === 'degraded' ? '(degraded) ' : '';
  return {
    text: truncateMrkdwn(`${prefix}${body}`, FALLBACK_CHARACTERS),
    blocks: [...head, ...sections.map(section), ...tail].slice(0, MAX_BLOCKS),
  };
};

/** The visible root of an `/ask` thread: who asked what (their words made inert). */
export const renderQuestionRoot = (userId: string, question: string): RenderedMessage => {
  const text = `<@${userId}> asked: ${truncateMrkdwn(safeMrkdwn(question), MAX_SECTION_CHARACTERS - 40)}`;
  return { text, blocks: [section(text)] };
};

/** A short notice (progress, refusals) as one section. */
export const renderNotice = (mrkdwn: string): RenderedMessage => {
  const text = truncateMrkdwn(mrkdwn, MAX_SECTION_CHARACTERS);
  return { text, blocks: [section(text)] };
};
