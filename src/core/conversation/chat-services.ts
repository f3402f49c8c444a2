import { channelBehaviour } from '../access/access-policy.js';
import { isAdmin } from '../access/resolve-access.js';
import type { MembershipDirectory } from '../ports/membership-directory.js';
import type { Question } from '../question.js';
import { handleReaction, type FeedbackOutcome } from './handle-feedback.js';
import { handleQuestion, type ConversationDependencies, type Deliver, type HandledQuestion } from './handle-question.js';
import { handleReindex, type ReindexDependencies, type ReindexOutcome, type ReindexRequest } from './handle-reindex.js';

/**
 * Everything a chat adapter may ask of the bot, bound to that platform's membership directory.
 * Adapters translate events into these calls and render the results; they decide nothing else.
 */
export type ChatServices = {
  handleQuestion(question: Question, deliver: Deliver, signal?: AbortSignal): Promise<HandledQuestion>;
  handleReaction(event: Parameters<typeof handleReaction>[1]): Promise<FeedbackOutcome>;
  /** Undefined when reindexing is not available (no policy naming collection sources). */
  handleReindex?(request: ReindexRequest): Promise<ReindexOutcome>;
  isAdmin(tenantId: string, userId: string): Promise<boolean>;
  /** Whether the bot follows up in threads of this channel without a new mention. */
  followsThreads(tenantId: string, channel: { id: string; name?: string }): boolean;
  /** Whether a tenant is known to the policy (unknown ones get a polite refusal from the core). */
  knowsTenant(tenantId: string): boolean;
};

export type ChatServicesDependencies = Omit<ConversationDependencies, 'membership'> & {
  reindex?: Omit<ReindexDependencies, 'membership' | 'policy' | 'audit' | 'state'>;
};

export const createChatServices = (dependencies: ChatServicesDependencies, membership: MembershipDirectory): ChatServices => {
  const bound: ConversationDependencies = { ...dependencies, membership };
  const services: ChatServices = {
    handleQuestion: (question, deliver, signal) => handleQuestion(bound, { question, deliver, ...(signal ? { signal } : {}) }),
    handleReaction: (event) => handleReaction(bound, event),
    isAdmin: (tenantId, userId) => isAdmin(bound, { tenantId, userId }),
    followsThreads: (tenantId, channel) => {
      const tenant = bound.policy.tenants.get(tenantId);
      return tenant ? channelBehaviour(tenant, channel).followThreads : false;
    },
    knowsTenant: (tenantId) => bound.policy.tenants.has(tenantId),
  };
  const reindex = dependencies.reindex;
  if (reindex) {
    services.handleReindex = (request) =>
      handleReindex({ ...reindex, policy: bound.policy, membership, state: bound.state, ...(bound.audit ? { audit: bound.audit } : {}) }, request);
  }
  return services;
};
