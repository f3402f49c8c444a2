/**
 * A fake model's reply: quotes the first sentence of the first source that mentions a word of the
 * question (four letters or more), with its number; the no-answer sentinel when none does.
 */
export const citingReply = () => (messages: { role: string; content?: unknown }[]): string => {
  const last = messages.at(-1)?.content;
  const text = typeof last === 'string' ? last : Array.isArray(last) ? last.map((part) => (part as { text?: string }).text ?? '').join('') : '';
  const question = text.split('\nQuestion: ').at(-1) ?? '';
  const words = question.toLowerCase().match(/[a-z]{4,}/g) ?? [];
  for (const match of text.matchAll(/<source n="(\d+)"[^>]*>\n([\s\S]*?)\n<\/source>/g)) {
    const [, n, body] = match;
    if (words.some((word) => body?.toLowerCase().includes(word))) return `${body?.split(/(?<=\.)\s/)[0]} [${n}]`;
  }
  return 'NO_ANSWER';
};
