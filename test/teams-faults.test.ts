import { afterEach, describe, expect, it } from 'vitest';
import { MEMBERSHIP_NOTICE } from '../src/core/answering/ask-question.js';
import { createDependencyPolicy } from '../src/resilience/dependency-policy.js';
import { QUESTIONS } from './parity/bot-under-test.js';
import { TEAMS, channelMessage, installedInTeam, startTeamsStack, type TeamsStack } from './parity/teams-stack.js';

/** The Bot Connector misbehaving: the 'teams-connector' policy retries, the core fails closed. */
let stack: TeamsStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const policy = () =>
  createDependencyPolicy('teams-connector', {
    timeoutMs: 2_000, maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 2_000, breakAfter: 50, halfOpenAfterMs: 1_000, concurrency: 8, queue: 64,
  });

const encoded = (conversationId: string) => `/v3/conversations/${encodeURIComponent(conversationId)}`;

describe('Teams connector faults', () => {
  it('waits as a 429 asks (Retry-After) and posts the answer once', async () => {
    stack = await startTeamsStack({ auth: true, adapter: { policy: policy() } });
    const message = channelMessage({ from: 'bob', channel: 'netops', text: QUESTIONS.runbooks });
    const replyPath = `${encoded(`${message.conversation.id}`)}/activities/${message.id}`;
    stack.connector.server.failNext(1, { status: 429, retryAfter: 1, pathPrefix: replyPath });
    const started = Date.now();
    await stack.send(message);
    await stack.settle();
    expect(stack.connector.server.count(replyPath)).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(stack.connector.replies()).toHaveLength(1);
  });

  it('lets Teams\' redelivery answer when posting failed for good', async () => {
    stack = await startTeamsStack({ auth: true, adapter: { policy: policy() } });
    const message = channelMessage({ from: 'bob', channel: 'netops', text: QUESTIONS.runbooks });
    stack.connector.server.failNext(3, { status: 500, pathPrefix: `${encoded(message.conversation.id)}/activities/` });
    await stack.send(message);
    await stack.settle();
    expect(stack.connector.replies()).toHaveLength(0);
    expect(stack.errors).toHaveLength(1);
    await stack.send(message); // Teams redelivers: the core released the activity id
    await stack.settle();
    expect(stack.connector.replies()).toHaveLength(1);
  });

  it('fails closed when the team roster cannot be read: open collections only, and says so', async () => {
    stack = await startTeamsStack({ auth: true, adapter: { policy: policy() } });
    stack.connector.server.failNext(20, { status: 500, pathPrefix: `${encoded(TEAMS.netops)}/pagedmembers` });
    await stack.send(channelMessage({ from: 'alice', channel: 'netops', text: QUESTIONS.runbooks }));
    await stack.settle();
    const [reply] = stack.connector.replies();
    expect(String(reply?.activity.text)).toContain(MEMBERSHIP_NOTICE);
    expect(String(reply?.activity.text)).toMatch(/\[1\]/);
  });

  it('treats a team that removed the bot (403) as granting nothing, without failing the lookup', async () => {
    stack = await startTeamsStack({ auth: true, adapter: { policy: policy() } });
    await stack.send(installedInTeam('security'));
    stack.connector.server.failNext(5, { status: 403, pathPrefix: `${encoded(TEAMS.security)}/pagedmembers` });
    await stack.send(channelMessage({ from: 'alice', channel: 'netops', text: QUESTIONS.runbooks }));
    await stack.settle();
    const [reply] = stack.connector.replies();
    expect(String(reply?.activity.text)).toMatch(/\[1\]/);
    expect(String(reply?.activity.text)).not.toContain(MEMBERSHIP_NOTICE);
    expect(stack.connector.server.count(`${encoded(TEAMS.security)}/pagedmembers`)).toBe(1);
  });
});
