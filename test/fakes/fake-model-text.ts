import { randomBytes } from 'node:crypto';

/**
 * Deterministic stand-ins for what a language model does to text, shared by the OpenAI and
 * Anthropic fakes: tests need stable token counts, stable streamed pieces and stable embeddings,
 * not realistic ones.
 */

/** Pieces a reply is streamed in: each word with the whitespace before it, so joining them restores the text. */
export const splitIntoPieces = (text: string): string[] => text.match(/\s*\S+|\s+$/g) ?? [];

/** A fake tokenizer: one token per word or punctuation mark; a non-empty text is at least one token. */
export const countTokens = (text: string): number => (text === '' ? 0 : Math.max(1, (text.match(/[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu) ?? []).length));

const fnv1a = (text: string, seed: number): number => {
  let hash = 0x811c9dc5 ^ seed;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
};

/**
 * Words hashed into `dimensions` buckets with a sign, then L2-normalised like OpenAI's embeddings, so
 * texts sharing words have a high dot product. Values are rounded to float32 because that is what the
 * service stores and what the base64 encoding carries; float and base64 answers then agree exactly.
 */
export const hashEmbedding = (text: string, dimensions: number, seed = 0): number[] => {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const hash = fnv1a(word, seed);
    const bucket = hash % dimensions;
    vector[bucket] = (vector[bucket] ?? 0) + (hash & 0x80000000 ? -1 : 1);
  }
  const norm = Math.hypot(...vector);
  if (norm === 0) vector[0] = 1; // no words at all: still a unit vector, as the service never returns zeros
  return vector.map((value) => Math.fround(norm === 0 ? value : value / norm));
};

/** Text of a chat message's content, whether a plain string or an array of content blocks. */
export const contentText = (content: unknown): string => {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block: unknown) => (typeof block === 'object' && block !== null && typeof (block as { text?: unknown }).text === 'string' ? (block as { text: string }).text : ''))
    .join('');
};

/** The last user message's text: what the default replies answer. */
export const lastUserText = (messages: ReadonlyArray<{ role?: unknown; content?: unknown }>): string => {
  const last = [...messages].reverse().find((message) => message.role === 'user');
  return last ? contentText(last.content) : '';
};

/** An id in the provider's style, e.g. `chatcmpl-…`, `msg_…`, `req_…`. */
export const fakeId = (prefix: string): string => `${prefix}${randomBytes(12).toString('hex')}`;

/** Truncates a reply to `maxTokens` pieces, the way `max_tokens` cuts a generation short. */
export const truncateToTokens = (text: string, maxTokens: number | undefined): { text: string; truncated: boolean } => {
  const pieces = splitIntoPieces(text);
  if (maxTokens === undefined || pieces.length <= maxTokens) return { text, truncated: false };
  return { text: pieces.slice(0, maxTokens).join(''), truncated: true };
};
