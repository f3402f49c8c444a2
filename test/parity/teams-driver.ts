import type { UserName } from './bot-under-test.js';
import type { AuditEntry, PlatformDriver, ShownMessage, Vote } from './scenarios.js';
import { TEAMS_IDS, channelMessage, reaction, startTeamsStack, type TeamsStack } from './teams-stack.js';

/**
 * The parity scenarios on Teams: each step is an activity POSTed to the real CloudAdapter with a
 * Bot Framework token, and the outcome is read back from the fake Bot Connector: replies (threaded
 * by `;messageid=`), updates folded into the messages they edit, citations from the schema.org
 * entity, votes and audit entries from the stores.
 */
const REACTIONS = { helpful: 'like', 'not-helpful': 'angry' } as const;

const userNames = new Map(Object.entries(TEAMS_IDS.users).map(([name, id]) => [id.toLowerCase(), name as UserName]));

export const createTeamsDriver = (): PlatformDriver => {
  let stack: TeamsStack | undefined;
  const posts = new Map<string, ReturnType<typeof channelMessage>>();
  const running = () => {
    if (!stack) throw new Error('the Teams driver is not started');
    return stack;
  };
  const post = (name: string) => {
    const activity = posts.get(name);
    if (!activity) throw new Error(`no post named ${name}`);
    return activity;
  };
  /** The bot's reply to a post: the first reply whose target is that activity. */
  const answerTo = (name: string) => {
    const id = post(name).id;
    const reply = running().connector.replies().find((sent) => sent.targetId === id);
    if (!reply) throw new Error(`the bot did not answer ${name}`);
    return reply;
  };
  const send = async (activity: Record<string, unknown>) => {
    const response = await running().send(activity);
    if (response.status !== 200) throw new Error(`Teams activity answered ${response.status}: ${response.body}`);
  };

  return {
    platform: 'teams',
    async start() {
      stack = await startTeamsStack({ auth: true });
    },
    async close() {
      await stack?.close();
    },
    async mention({ as, user, channel, text }) {
      const activity = channelMessage({ from: user, channel, text });
      posts.set(as, activity);
      await send(activity);
    },
    async threadReply({ as, user, channel, thread, text }) {
      const activity = channelMessage({ from: user, channel, text, mention: false, rootId: post(thread).id });
      posts.set(as, activity);
      await send(activity);
    },
    async redeliver({ post: name }) {
      await send(post(name));
    },
    async react({ user, answerTo: name, sentiment, added }) {
      const answer = answerTo(name);
      await send(reaction({ from: user, conversationId: answer.conversationId, replyToId: answer.id, type: REACTIONS[sentiment], added }));
    },
    async reindex({ as, user, channel, args }) {
      const activity = channelMessage({ from: user, channel, text: `reindex ${args}` });
      posts.set(as, activity);
      await send(activity);
    },
    settle: () => running().settle(),
    shown() {
      const { sent } = running().connector;
      // Thread roots: the posts that started a thread (their conversation id names themselves).
      const roots = new Map([...posts].filter(([, activity]) => activity.conversation.id.endsWith(`;messageid=${activity.id}`)).map(([name, activity]) => [activity.id, name]));
      const messages: (ShownMessage & { id: string })[] = [];
      for (const item of sent) {
        if (item.kind === 'update') {
          const edited = messages.find((message) => message.id === item.targetId);
          if (edited) Object.assign(edited, normalize(item.activity));
          continue;
        }
        const rootId = /;messageid=([^;]+)/.exec(item.conversationId)?.[1];
        const thread = rootId ? roots.get(rootId) : undefined;
        messages.push({ id: item.id, private: false, ...(thread ? { thread } : {}), ...normalize(item.activity) });
      }
      return messages.map(({ id: _id, ...message }) => message);
    },
    async votes(name) {
      const { feedback } = running().bot;
      const record = await feedback.findAnswer({ platform: 'teams', messageRef: answerTo(name).id });
      if (!record) return [];
      return (await feedback.votes(record.answerId)).map((vote): Vote => ({ user: userNames.get(vote.userId.toLowerCase()) ?? (vote.userId as UserName), sentiment: vote.sentiment }));
    },
    audit: () =>
      running().bot.audit.events.map((event): AuditEntry => ({
        action: event.action, outcome: event.outcome, ...(event.userId ? { user: userNames.get(event.userId.toLowerCase()) ?? (event.userId as UserName) } : {}),
      })),
  };
};

type Claim = { appearance?: { url?: string } };

/** Text (or the Adaptive Card's text) and `collection/document` of each citation, from the entity. */
const normalize = (activity: Record<string, unknown>): { text: string; citations: string[] } => {
  const card = (activity.attachments as { content?: { body?: { text?: string }[] } }[] | undefined)?.[0]?.content;
  const text = typeof activity.text === 'string' && activity.text ? activity.text : (card?.body ?? []).map((block) => block.text ?? '').join('\n');
  const claims = ((activity.entities as { citation?: Claim[] }[] | undefined)?.[0]?.citation ?? []);
  // The test stack links each source as https://docs.example.com/<collection>/<document>.
  const citations = claims.map((claim) => new URL(claim.appearance?.url ?? 'https://docs.example.com/').pathname.slice(1));
  return { text, citations };
};
