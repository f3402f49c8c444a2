import { randomUUID } from 'node:crypto';
import type { AccessPolicy } from '../access/access-policy.js';
import { resolveAccess } from '../access/resolve-access.js';
import type { Answer } from '../answer.js';
import type { AuditSink } from '../ports/audit-sink.js';
import type { MembershipDirectory } from '../ports/membership-directory.js';
import type { Question } from '../question.js';
import { answerQuestion, refusalText, type AnswerDependencies } from './answer-question.js';

export type AskDependencies = AnswerDependencies & {
  policy: AccessPolicy;
  membership: MembershipDirectory;
  audit?: AuditSink;
};

export const MEMBERSHIP_NOTICE = 'I could not check your channel memberships, so I only searched the documents open to everyone.';

/**
 * The entry every platform calls: resolve what this asker, in this conversation, may read; then
 * answer from exactly that. Refusals are answers too, saying why, and are audit-logged.
 */
export const askQuestion = async (
  dependencies: AskDependencies,
  options: { question: Question; signal?: AbortSignal },
): Promise<Answer> => {
  const { question, signal } = options;
  const access = await resolveAccess(dependencies, {
    tenantId: question.tenantId, userId: question.user.id, channel: question.channel, signal,
  });
  if (access.kind === 'refused') {
    await dependencies.audit?.record({
      at: new Date().toISOString(), tenantId: question.tenantId, userId: question.user.id, channelId: question.channel.id,
      action: 'ask', outcome: 'refused', reason: access.reason,
    });
    return {
      id: randomUUID(), questionId: question.id, outcome: 'refused', refusal: access.reason, text: refusalText[access.reason],
      citations: [], scope: [], provider: 'none', cached: false, timings: { retrieveMs: 0, generateMs: 0, totalMs: 0 },
    };
  }
  const answer = await answerQuestion(dependencies, { question, scope: access.scope, signal });
  if (access.membershipUnavailable) answer.notices = [...(answer.notices ?? []), MEMBERSHIP_NOTICE];
  return answer;
};
