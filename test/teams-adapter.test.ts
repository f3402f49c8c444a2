import { afterEach, describe, expect, it } from 'vitest';
import { renderTeamsAnswer } from '../adapters/teams/render-teams-answer.js';
import type { Answer } from '../src/core/answer.js';
import { QUESTIONS } from './parity/bot-under-test.js';
import {
  CHANNELS, OUTBOUND_AUTHORIZATION, USERS, channelMessage, feedbackInvoke, installedInTeam, personalMessage, reaction, startTeamsStack, type TeamsStack,
} from './parity/teams-stack.js';

let stack: TeamsStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

type SentEntity = { citation?: { position: number; appearance: Record<string, unknown> }[]; additionalType?: string[] };
const entityOf = (activity: Record<string, unknown>) => (activity.entities as SentEntity[] | undefined)?.[0];
const collectionsCited = (activity: Record<string, unknown>) =>
  (entityOf(activity)?.citation ?? []).map((claim) => (claim.appearance.keywords as string[])[0]);

describe('the Teams adapter, through the real CloudAdapter', () => {
  it('answers a channel mention with a threaded reply whose citations and AI label reach the connector intact', async () => {
    stack = await startTeamsStack({ auth: true });
    const message = channelMessage({ from: 'bob', channel: 'netops', text: QUESTIONS.runbooks });
    const started = Date.now();
    const response = await stack.send(message);
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_000); // acknowledged before the answer is computed
    await stack.settle();

    const [reply, ...others] = stack.connector.replies();
    expect(others).toEqual([]);
    // Threaded: posted to the thread's conversation, as a reply to the question.
    expect(reply?.conversationId).toBe(`${CHANNELS.netops.id};messageid=${message.id}`);
    expect(reply?.targetId).toBe(message.id);
    expect(reply?.activity.replyToId).toBe(message.id);
    expect(reply?.authorization).toBe(OUTBOUND_AUTHORIZATION);
    expect(reply?.activity.text).toMatch(/\[1\]/);
    expect(reply?.activity.channelData).toEqual({ feedbackLoopEnabled: true });

    // Every field of the schema.org entity arrived, exactly as rendered.
    const answer = (await stack.bot.feedback.findAnswer({ platform: 'teams', messageRef: reply?.id ?? '' }))!;
    expect(answer).toBeDefined();
    const entity = entityOf(reply!.activity);
    expect(entity).toMatchObject({
      type: 'https://schema.org/Message', '@type': 'Message', '@context': 'https://schema.org', additionalType: ['AIGeneratedContent'],
    });
    expect(entity?.citation?.[0]).toEqual({
      '@type': 'Claim',
      position: 1,
      appearance: {
        '@type': 'DigitalDocument',
        name: 'HAProxy',
        abstract: expect.stringContaining('Drain a backend server'),
        url: 'https://docs.example.com/runbooks/haproxy.md',
        keywords: ['runbooks', expect.stringMatching(/^updated /)],
      },
    });
    const appearance = entity?.citation?.[0]?.appearance as { name: string; abstract: string };
    expect(appearance.name.length).toBeLessThanOrEqual(80);
    expect(appearance.abstract.length).toBeLessThanOrEqual(160);
  });

  it('answers a redelivered activity once', async () => {
    stack = await startTeamsStack({ auth: true });
    const message = channelMessage({ from: 'bob', channel: 'netops', text: QUESTIONS.runbooks });
    expect((await stack.send(message)).status).toBe(200);
    await stack.settle();
    // Teams retries after 15 s without an answer; the same activity, twice more.
    expect((await stack.send(message)).status).toBe(200);
    expect((await stack.send(message)).status).toBe(200);
    await stack.settle();
    expect(stack.connector.replies()).toHaveLength(1);
  });

  it('turns a reaction on a bot answer into one vote, and its removal into none', async () => {
    stack = await startTeamsStack({ auth: true });
    const message = channelMessage({ from: 'bob', channel: 'netops', text: QUESTIONS.runbooks });
    await stack.send(message);
    await stack.settle();
    const reply = stack.connector.replies()[0]!;
    const answer = (await stack.bot.feedback.findAnswer({ platform: 'teams', messageRef: reply.id }))!;

    const like = reaction({ from: 'alice', conversationId: reply.conversationId, replyToId: reply.id, type: 'like', added: true });
    expect((await stack.send(like)).status).toBe(200);
    expect((await stack.send(like)).status).toBe(200); // redelivered: still one vote
    await stack.settle();
    expect(await stack.bot.feedback.votes(answer.answerId)).toMatchObject([{ userId: USERS.alice.aadObjectId, reaction: 'like', sentiment: 'helpful' }]);

    await stack.send(reaction({ from: 'alice', conversationId: reply.conversationId, replyToId: reply.id, type: 'like', added: false }));
    await stack.settle();
    expect(await stack.bot.feedback.votes(answer.answerId)).toEqual([]);

    // A reaction on someone else's message is not feedback.
    await stack.send(reaction({ from: 'alice', conversationId: reply.conversationId, replyToId: message.id, type: 'like', added: true }));
    await stack.settle();
    expect(await stack.bot.feedback.votes(answer.answerId)).toEqual([]);
  });

  it('stores a feedback-loop submission with its text, answering the invoke 200 with an empty body', async () => {
    stack = await startTeamsStack({ auth: true });
    await stack.send(channelMessage({ from: 'bob', channel: 'netops', text: QUESTIONS.runbooks }));
    await stack.settle();
    const reply = stack.connector.replies()[0]!;
    const answer = (await stack.bot.feedback.findAnswer({ platform: 'teams', messageRef: reply.id }))!;

    const response = await stack.send(
      feedbackInvoke({ from: 'bob', conversationId: reply.conversationId, replyToId: reply.id, reaction: 'dislike', text: 'The drain command is outdated' }),
    );
    expect(response).toEqual({ status: 200, body: '' });
    await stack.settle();
    expect(await stack.bot.feedback.votes(answer.answerId)).toMatchObject([
      { userId: USERS.bob.aadObjectId, reaction: 'dislike', sentiment: 'not-helpful', comment: 'The drain command is outdated' },
    ]);
    expect(stack.connector.replies()).toHaveLength(1); // Teams confirms feedback itself: the bot says nothing
  });

  it('answers in emulator mode (no credentials): no token required, none sent', async () => {
    stack = await startTeamsStack();
    const message = personalMessage({ from: 'bob', text: QUESTIONS.runbooks });
    expect((await stack.send(message, { token: null })).status).toBe(200);
    await stack.settle();
    const [reply] = stack.connector.replies();
    expect(reply?.authorization).toBeUndefined();
    expect(reply?.targetId).toBe(message.id);
    expect(collectionsCited(reply!.activity)).toEqual(['runbooks']);
  });

  it('refuses reindex to a non-admin (audit-logged) and runs it for an admin, updating one progress message', async () => {
    stack = await startTeamsStack({ auth: true });
    await stack.send(channelMessage({ from: 'bob', channel: 'netops', text: 'reindex runbooks --full' }));
    await stack.settle();
    expect(stack.connector.replies().map((reply) => reply.activity.text)).toEqual([expect.stringMatching(/only ragbot admins can reindex/i)]);
    expect(stack.bot.audit.events.at(-1)).toMatchObject({ userId: USERS.bob.aadObjectId, action: 'reindex', outcome: 'refused' });

    stack.bot.sources.runbooks.write('new.md', '# New runbook\n\nRestart the widget service with widgetctl restart.');
    const command = channelMessage({ from: 'admin', channel: 'netops', text: 'reindex runbooks' });
    await stack.send(command);
    await stack.settle();
    const progress = stack.connector.replies().at(-1)!;
    expect(progress.targetId).toBe(command.id);
    expect(progress.activity.text).toMatch(/Reindexing runbooks/);
    const updates = stack.connector.sent.filter((sent) => sent.kind === 'update');
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.every((update) => update.targetId === progress.id)).toBe(true);
    expect(updates.at(-1)?.activity.text).toMatch(/Reindex finished[\s\S]*\*\*runbooks\*\*: 1 added, 0 changed, 0 deleted, 2 unchanged/);
    expect(stack.bot.audit.events.at(-1)).toMatchObject({ userId: USERS.admin.aadObjectId, action: 'reindex', outcome: 'allowed' });
  });

  it('follows up, without a mention, in a thread it answered where the policy says so, and nowhere else', async () => {
    stack = await startTeamsStack({ auth: true });
    const first = channelMessage({ from: 'bob', channel: 'followups', text: QUESTIONS.runbooks });
    await stack.send(first);
    await stack.settle();
    const followUp = channelMessage({ from: 'bob', channel: 'followups', text: QUESTIONS.followUp, mention: false, rootId: first.id });
    await stack.send(followUp);
    await stack.settle();
    const [, second] = stack.connector.replies();
    expect(second?.conversationId).toBe(`${CHANNELS.followups.id};messageid=${first.id}`);
    expect(second?.targetId).toBe(followUp.id);
    expect(String(second?.activity.text)).toMatch(/reviewed by the network team/);

    // Not for the bot: a thread it did not answer; a channel that does not follow threads.
    const unanswered = channelMessage({ from: 'bob', channel: 'followups', text: 'lunch?', mention: false });
    await stack.send(unanswered);
    await stack.send(channelMessage({ from: 'bob', channel: 'followups', text: QUESTIONS.followUp, mention: false, rootId: unanswered.id }));
    const inNetops = channelMessage({ from: 'bob', channel: 'netops', text: QUESTIONS.runbooks });
    await stack.send(inNetops);
    await stack.settle();
    await stack.send(channelMessage({ from: 'bob', channel: 'netops', text: QUESTIONS.followUp, mention: false, rootId: inNetops.id }));
    await stack.settle();
    expect(stack.connector.replies()).toHaveLength(3);
  });

  it('refuses politely when the activity names no tenant', async () => {
    stack = await startTeamsStack({ auth: true });
    await stack.send(channelMessage({ from: 'bob', channel: 'netops', text: QUESTIONS.runbooks, tenant: null }));
    await stack.settle();
    expect(stack.connector.replies().map((reply) => reply.activity.text)).toEqual([expect.stringMatching(/can't tell which organization/)]);
  });

  it('cites nothing from a collection the channel audience lacks, even for an asker who has it', async () => {
    stack = await startTeamsStack({ auth: true });
    await stack.send(installedInTeam('security'));
    // Alice reads security through secops: asked there, the answer cites it.
    await stack.send(channelMessage({ from: 'alice', channel: 'secops', text: QUESTIONS.security }));
    await stack.settle();
    const inSecops = stack.connector.replies().at(-1)!;
    expect(collectionsCited(inSecops.activity)).toEqual(['security']);

    // In netops, whose audience cannot read security, the same question by the same person.
    await stack.send(channelMessage({ from: 'alice', channel: 'netops', text: QUESTIONS.security }));
    await stack.settle();
    const inNetops = stack.connector.replies().at(-1)!;
    expect(inNetops.conversationId).toContain(CHANNELS.netops.id);
    expect(collectionsCited(inNetops.activity)).not.toContain('security');
    expect(String(inNetops.activity.text)).not.toMatch(/security lead/);
  });
});

describe('rendering a Teams answer', () => {
  const answer = (overrides: Partial<Answer> = {}): Answer => ({
    id: 'a1', questionId: 'q1', outcome: 'answered', text: 'Drain it first [1].', scope: ['runbooks'], provider: 'extractive:v1', cached: false,
    timings: { retrieveMs: 1, generateMs: 1, totalMs: 2 },
    citations: [{ n: 1, title: 'HAProxy', path: 'haproxy.md', section: 'HAProxy', collection: 'runbooks', updatedAt: '2026-01-01T00:00:00Z', snippet: 'Drain a backend.', score: 1 }],
    ...overrides,
  });

  it('lays a long answer out in an Adaptive Card, keeping the entity', () => {
    const message = renderTeamsAnswer(answer({ text: `${'Long answer. '.repeat(200)}[1]` }));
    expect(message.attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(message.attachments?.[0]?.content)).toContain('runbooks · updated');
    expect(message.entities?.[0]?.citation).toHaveLength(1);
  });

  it('says degraded answers, notices, no-answers and refusals plainly', () => {
    const degraded = renderTeamsAnswer(answer({ outcome: 'degraded', degradedReason: 'openai unavailable: 503', notices: ['I only searched open documents.'] }));
    expect(degraded.text).toMatch(/Degraded:\*\* answered without the language model, which is unavailable/);
    expect(degraded.text).not.toMatch(/503/); // the technical reason is for the logs
    expect(degraded.text).toMatch(/I only searched open documents/);
    expect(degraded.text).toMatch(/Searched: runbooks/);
    const none = renderTeamsAnswer(answer({ outcome: 'no-answer', text: "I couldn't find this.", citations: [], provider: 'none' }));
    expect(none.entities).toBeUndefined();
    expect(none.text).toMatch(/couldn't find this[\s\S]*Searched: runbooks/);
    const refused = renderTeamsAnswer(answer({ outcome: 'refused', text: 'I do not answer in shared channels.', citations: [], scope: [], provider: 'none' }));
    expect(refused).toEqual({ type: 'message', text: 'I do not answer in shared channels.', textFormat: 'markdown' });
  });

  it('truncates citation names and abstracts to the lengths Teams accepts, and never sends more than 10', () => {
    const citations = Array.from({ length: 12 }, (_, index) => ({
      n: index + 1, title: 'T'.repeat(200), path: 'p.md', section: 'S', collection: 'runbooks', updatedAt: '2026-01-01T00:00:00Z', snippet: 'x '.repeat(300), score: 1,
    }));
    const entity = renderTeamsAnswer(answer({ citations })).entities?.[0];
    expect(entity?.citation).toHaveLength(10);
    expect(entity?.citation?.every((claim) => claim.appearance.name.length <= 80 && claim.appearance.abstract.length <= 160)).toBe(true);
  });
});
