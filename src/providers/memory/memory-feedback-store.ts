import type { AnswerRecord, FeedbackStore, Vote } from '../../core/ports/feedback-store.js';

export const createMemoryFeedbackStore = (): FeedbackStore => {
  const answers = new Map<string, AnswerRecord>();
  const byMessage = new Map<string, string>();
  const votes = new Map<string, Map<string, Vote>>();
  return {
    async recordAnswer(record) {
      answers.set(record.answerId, structuredClone(record));
      if (record.messageRef) byMessage.set(`${record.platform}:${record.messageRef}`, record.answerId);
    },
    async findAnswer({ answerId, platform, messageRef }) {
      const id = answerId ?? (platform && messageRef ? byMessage.get(`${platform}:${messageRef}`) : undefined);
      const record = id ? answers.get(id) : undefined;
      return record && structuredClone(record);
    },
    async setVote(vote) {
      const forAnswer = votes.get(vote.answerId) ?? new Map<string, Vote>();
      forAnswer.set(vote.userId, { ...vote });
      votes.set(vote.answerId, forAnswer);
    },
    async removeVote({ answerId, userId, reaction }) {
      const forAnswer = votes.get(answerId);
      if (forAnswer?.get(userId)?.reaction !== reaction) return false;
      forAnswer.delete(userId);
      return true;
    },
    async votes(answerId) {
      return [...(votes.get(answerId)?.values() ?? [])].map((vote) => ({ ...vote }));
    },
    async listAnswers({ since }) {
      return [...answers.values()].filter((record) => new Date(record.at) >= since).sort((left, right) => left.at.localeCompare(right.at));
    },
  };
};
