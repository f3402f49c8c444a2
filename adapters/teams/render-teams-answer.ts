import type { Answer, Citation } from '../../src/core/answer.js';
import { makeChatSafe } from '../../src/core/answering/chat-safe.js';
import { relativeAge } from '../../src/core/format/relative-age.js';

/**
 * An answer as a Teams message: markdown text with `[n]` markers, and the `https://schema.org/Message`
 * entity that makes Teams show the AI label and a citation pop-up per marker; the feedback loop's
 * 👍/👎 on answers; an Adaptive Card when the answer is long. Plain JSON: it is sent exactly as built
 * (see post-teams-reply.ts for why it must not go through botbuilder's serializer).
 */

export type CitationAppearance = {
  '@type': 'DigitalDocument';
  name: string;
  abstract: string;
  url?: string;
  keywords?: string[];
};

export type CitationClaim = { '@type': 'Claim'; position: number; appearance: CitationAppearance };

export type MessageEntity = {
  type: 'https://schema.org/Message';
  '@type': 'Message';
  '@context': 'https://schema.org';
  '@id': string;
  additionalType?: ['AIGeneratedContent'];
  citation?: CitationClaim[];
};

export type AdaptiveCardAttachment = { contentType: 'application/vnd.microsoft.card.adaptive'; content: Record<string, unknown> };

export type TeamsMessage = {
  type: 'message';
  text?: string;
  textFormat?: 'markdown' | 'plain';
  entities?: MessageEntity[];
  channelData?: { feedbackLoopEnabled?: boolean };
  attachments?: AdaptiveCardAttachment[];
};

/** Teams answers 400 ("Bot message with more than 10 citations") beyond this. */
export const MAX_CITATIONS = 10;
export const MAX_CITATION_NAME = 80;
export const MAX_CITATION_ABSTRACT = 160;
const MAX_KEYWORD = 28;
/** Above this many characters of answer, the answer is laid out in an Adaptive Card. */
export const LONG_ANSWER_CHARACTERS = 1_500;

export type RenderOptions = {
  now?: Date;
  longAnswerCharacters?: number;
  /** Where a source can be opened; defaults to the citation's own `url`. */
  citationUrl?: (citation: Citation) => string | undefined;
};

const truncate = (value: string, limit: number) => {
  const flat = value.replace(/\s+/g, ' ').trim();
  return flat.length <= limit ? flat : `${flat.slice(0, limit - 1).trimEnd()}…`;
};

const titleOf = (citation: Citation) =>
  citation.section && citation.section !== citation.title ? `${citation.title} › ${citation.section}` : citation.title;

const urlOf = (citation: Citation, options: RenderOptions) => {
  const url = options.citationUrl ? options.citationUrl(citation) : citation.url;
  return url && /^https?:\/\//i.test(url) ? url : undefined;
};

/** The citation pop-up of one source: title, excerpt, link, and its collection and age as keywords. */
export const citationClaim = (citation: Citation, options: RenderOptions = {}): CitationClaim => {
  const url = urlOf(citation, options);
  const appearance: CitationAppearance = {
    '@type': 'DigitalDocument',
    name: truncate(makeChatSafe(titleOf(citation)), MAX_CITATION_NAME),
    abstract: truncate(makeChatSafe(citation.snippet || citation.title), MAX_CITATION_ABSTRACT),
    keywords: [truncate(citation.collection, MAX_KEYWORD), truncate(`updated ${relativeAge(citation.updatedAt, options.now)}`, MAX_KEYWORD)],
  };
  if (url) appearance.url = url;
  return { '@type': 'Claim', position: citation.n, appearance };
};

const generated = (answer: Answer) => (answer.outcome === 'answered' || answer.outcome === 'degraded') && answer.provider !== 'none';

/** The single root message entity (Teams refuses two): the AI label and the citations. */
export const messageEntity = (answer: Answer, options: RenderOptions = {}): MessageEntity | undefined => {
  const citations = answer.citations.slice(0, MAX_CITATIONS).map((citation) => citationClaim(citation, options));
  if (!generated(answer) && citations.length === 0) return undefined;
  const entity: MessageEntity = { type: 'https://schema.org/Message', '@type': 'Message', '@context': 'https://schema.org', '@id': '' };
  if (generated(answer)) entity.additionalType = ['AIGeneratedContent'];
  if (citations.length > 0) entity.citation = citations;
  return entity;
};

const sourceLine = (citation: Citation, options: RenderOptions) => {
  const title = makeChatSafe(titleOf(citation)).replace(/[[\]]/g, '');
  const url = urlOf(citation, options);
  const label = url ? `[${title}](${url})` : title;
  return `${citation.n}. ${label} — ${citation.collection} · updated ${relativeAge(citation.updatedAt, options.now)}`;
};

/** Why an answer is degraded, in the reader's terms (the technical reason is in the logs), as Slack says it. */
export const degradedNote = (answer: Answer): string => {
  if (/^search unavailable/i.test(answer.degradedReason ?? '')) return 'search is unavailable right now';
  if (answer.provider.startsWith('extractive')) return 'answered without the language model, which is unavailable: these are passages quoted from the sources';
  if (answer.provider === 'none') return 'the language model is unavailable: these are the sources that look relevant';
  return `answered by a fallback model (${answer.provider}) because the preferred one is unavailable`;
};

/** The lines around the answer: what went wrong, what the reader should know. */
const statusLines = (answer: Answer) => {
  const lines: string[] = [];
  if (answer.outcome === 'degraded') lines.push(`⚠️ **Degraded:** ${degradedNote(answer)}.`);
  for (const notice of answer.notices ?? []) lines.push(`ℹ️ ${makeChatSafe(notice)}`);
  return lines;
};

const scopeFooter = (answer: Answer) => (answer.scope.length > 0 ? `Searched: ${answer.scope.join(', ')}` : undefined);

/** Teams markdown needs a blank line between paragraphs. */
const paragraphs = (parts: (string | undefined)[]) => parts.filter((part): part is string => Boolean(part && part.trim())).join('\n\n');

const adaptiveCard = (answer: Answer, options: RenderOptions): AdaptiveCardAttachment => {
  const sources = answer.citations.map((citation) => sourceLine(citation, options));
  const footer = scopeFooter(answer);
  const body: Record<string, unknown>[] = [
    { type: 'TextBlock', text: answer.text, wrap: true },
    ...statusLines(answer).map((line) => ({ type: 'TextBlock', text: line, wrap: true, isSubtle: true, spacing: 'Small' })),
  ];
  if (sources.length > 0) {
    body.push({ type: 'TextBlock', text: 'Sources', weight: 'Bolder', separator: true, spacing: 'Medium' });
    body.push(...sources.map((line) => ({ type: 'TextBlock', text: line, wrap: true, spacing: 'Small' })));
  }
  if (footer) body.push({ type: 'TextBlock', text: footer, isSubtle: true, size: 'Small', wrap: true, separator: true });
  return {
    contentType: 'application/vnd.microsoft.card.adaptive',
    content: { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.5', body, msteams: { width: 'Full' } },
  };
};

/**
 * The message for an answer. Refusals are said as they are (no label, no buttons); a no-answer says
 * so and what was searched; answers carry their sources with collection and age, the AI label and
 * the feedback buttons; degraded answers and notices say what happened.
 */
export const renderTeamsAnswer = (answer: Answer, options: RenderOptions = {}): TeamsMessage => {
  if (answer.outcome === 'refused') return { type: 'message', text: answer.text, textFormat: 'markdown' };
  const message: TeamsMessage = { type: 'message', channelData: { feedbackLoopEnabled: true } };
  const entity = messageEntity(answer, options);
  if (entity) message.entities = [entity];
  if (answer.text.length > (options.longAnswerCharacters ?? LONG_ANSWER_CHARACTERS)) {
    message.attachments = [adaptiveCard(answer, options)];
    return message;
  }
  const sources = answer.citations.length > 0 ? `**Sources**\n\n${answer.citations.map((citation) => sourceLine(citation, options)).join('\n')}` : undefined;
  message.text = paragraphs([answer.text, ...statusLines(answer), sources, scopeFooter(answer) && `_${scopeFooter(answer)}_`]);
  message.textFormat = 'markdown';
  return message;
};

/** A short message from the bot itself (refusals of commands, progress, summaries). */
export const plainMessage = (text: string): TeamsMessage => ({ type: 'message', text, textFormat: 'markdown' });
