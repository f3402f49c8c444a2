import { CloudAdapter, ConfigurationBotFrameworkAuthentication, MessageFactory, type ConversationReference } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeamsConnector } from '../adapters/teams/post-teams-reply.js';
import type { MessageEntity } from '../adapters/teams/render-teams-answer.js';
import { FakeBotConnector } from './fakes/fake-bot-connector.js';

/**
 * Why the adapter does not send answers with botbuilder's connector client: in botbuilder 4.23.3
 * (with @azure/core-client 1.10), every `conversations.*` call serializes `Activity.entities` with
 * the `Entity` model mapper, which keeps only `type`, `text` and `mentioned`. The schema.org Message
 * entity (AI label, citations) reaches Teams as `{ type }`. If an upgrade fixes this, the first test
 * fails and the workaround in post-teams-reply.ts can go.
 */
const entity: MessageEntity = {
  type: 'https://schema.org/Message', '@type': 'Message', '@context': 'https://schema.org', '@id': '', additionalType: ['AIGeneratedContent'],
  citation: [{ '@type': 'Claim', position: 1, appearance: { '@type': 'DigitalDocument', name: 'HAProxy', abstract: 'Drain a backend.', url: 'https://docs.example.com/haproxy.md', keywords: ['runbooks'] } }],
};

let connector: FakeBotConnector;
let adapter: CloudAdapter;
let reference: Partial<ConversationReference>;
beforeAll(async () => {
  connector = await new FakeBotConnector().start();
  adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  reference = {
    activityId: '1700000000001', channelId: 'msteams', serviceUrl: connector.url,
    conversation: { id: '19:c@thread.tacv2;messageid=1700000000001', isGroup: true, conversationType: 'channel', name: '' },
    bot: { id: '28:bot', name: 'ragbot' }, user: { id: '29:user', name: 'User' },
  };
});
afterAll(async () => {
  await connector.close();
});

describe('sending the schema.org Message entity', () => {
  it('botbuilder strips it to its type on every connector-client path', async () => {
    connector.sent.length = 0;
    await adapter.continueConversationAsync('', reference, async (context) => {
      await context.sendActivity({ type: 'message', text: 'plain object', entities: [structuredClone(entity)] }); // sendToConversation/replyToActivity
      const factory = MessageFactory.text('factory activity');
      factory.entities = [structuredClone(entity)];
      await context.sendActivity(factory);
      await context.updateActivity({ type: 'message', id: '1700000000009', text: 'update', entities: [structuredClone(entity)] });
    });
    expect(connector.sent.map((sent) => sent.kind)).toEqual(['reply', 'reply', 'update']);
    for (const sent of connector.sent) expect(sent.activity.entities).toEqual([{ type: 'https://schema.org/Message' }]);
  });

  it('the adapter\'s reply path delivers it intact, as a threaded reply', async () => {
    connector.sent.length = 0;
    const teams = createTeamsConnector({ adapter, appId: '' });
    const posted = await teams.reply(reference, { type: 'message', text: 'Drain it first [1].', textFormat: 'markdown', entities: [entity], channelData: { feedbackLoopEnabled: true } });
    await teams.update(reference, posted.id, { type: 'message', text: 'edited [1]', entities: [entity] });
    const [reply, update] = connector.sent;
    expect(reply).toMatchObject({ kind: 'reply', conversationId: reference.conversation?.id, targetId: '1700000000001', id: posted.id });
    expect(reply?.activity).toMatchObject({ replyToId: '1700000000001', entities: [entity], channelData: { feedbackLoopEnabled: true }, from: reference.bot, recipient: reference.user });
    expect(update).toMatchObject({ kind: 'update', targetId: posted.id, activity: { entities: [entity] } });
  });
});
