import type { AnswerRecord } from '../core/ports/feedback-store.js';

/**
 * The latest answers this process recorded, at most `limit` (the oldest go first): what a
 * reaction can still be matched against while the shared feedback store is unreachable.
 */
export const createRecentAnswers = (limit: number) => {
  const answers = new Map<string, AnswerRecord>();
  const byMessage = new Map<string, string>();
  const messageKey = (platform: string, messageRef: string) => `${platform}:${messageRef}`;

  return {
    add(record: AnswerRecord): void {
      answers.delete(record.answerId); // re-recorded: now the newest
      answers.set(record.answerId, structuredClone(record));
      if (record.messageRef) byMessage.set(messageKey(record.platform, record.messageRef), record.answerId);
      for (const [answerId, oldest] of answers) {
        if (answers.size <= limit) break;
        answers.delete(answerId);
        if (oldest.messageRef && byMessage.get(messageKey(oldest.platform, oldest.messageRef)) === answerId) {
          byMessage.delete(messageKey(oldest.platform, oldest.messageRef));
        }
      }
    },
    find({ answerId, platform, messageRef }: { answerId?: string; platform?: string; messageRef?: string }): AnswerRecord | undefined {
      const id = answerId ?? (platform && messageRef ? byMessage.get(messageKey(platform, messageRef)) : undefined);
      const record = id ? answers.get(id) : undefined;
      return record && structuredClone(record);
    },
    since(since: Date): AnswerRecord[] {
      return [...answers.values()]
        .filter((record) => new Date(record.at) >= since)
        .sort((left, right) => left.at.localeCompare(right.at))
        .map((record) => structuredClone(record));
    },
  };
};
