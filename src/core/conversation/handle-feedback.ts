import type { FeedbackStore } from '../ports/feedback-store.js';
import type { ConversationTelemetry } from './conversation-telemetry.js';
import { sentimentOf } from './reactions.js';

export type FeedbackOutcome = 'recorded' | 'removed' | 'ignored';

/**
 * A reaction on a message: feedback when the message is one of the bot's answers and the reaction
 * means something (design §5); ignored otherwise. One vote per user per answer, the latest counting.
 */
export const handleReaction = async (
  dependencies: { feedback: FeedbackStore; telemetry?: ConversationTelemetry },
  event: { platform: string; messageRef?: string; answerId?: string; userId: string; reaction: string; added: boolean; comment?: string },
): Promise<FeedbackOutcome> => {
  const sentiment = sentimentOf(event.reaction);
  if (!sentiment) return 'ignored';
  const answer = await dependencies.feedback.findAnswer(
    event.answerId ? { answerId: event.answerId } : { platform: event.platform, ...(event.messageRef ? { messageRef: event.messageRef } : {}) },
  );
  if (!answer) return 'ignored';
  const collections = [...new Set(answer.sources.map((source) => source.collection))];
  if (!event.added) {
    const removed = await dependencies.feedback.removeVote({ answerId: answer.answerId, userId: event.userId, reaction: event.reaction });
    if (removed) dependencies.telemetry?.onFeedback?.({ platform: event.platform, sentiment, collections, removed: true });
    return removed ? 'removed' : 'ignored';
  }
  await dependencies.feedback.setVote({
    answerId: answer.answerId, userId: event.userId, reaction: event.reaction, sentiment, at: new Date().toISOString(),
    ...(event.comment ? { comment: event.comment } : {}),
  });
  dependencies.telemetry?.onFeedback?.({ platform: event.platform, sentiment, collections, removed: false });
  return 'recorded';
};
