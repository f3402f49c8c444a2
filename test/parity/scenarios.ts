import { expect } from 'vitest';
import type { Sentiment } from '../../src/core/feedback.js';
import { QUESTIONS, type ChannelName, type UserName } from './bot-under-test.js';

/**
 * Golden, platform-neutral scenarios: each is written once, in the shared world of
 * bot-under-test.ts, as steps (what people do) and checks (what the bot must have shown or stored).
 * A driver per platform turns each step into that platform's request (a signed Slack event or slash
 * command; a Teams activity with a Bot Framework token) and reads the outcome back from that
 * platform's fake, normalized. The same checks run for every platform.
 */

/** What a platform showed, normalized. */
export type ShownMessage = {
  /** The step name of the post whose thread it is in; undefined for a top-level message. */
  thread?: string;
  /** Only the asker could see it (Slack ephemeral or response_url). */
  private: boolean;
  text: string;
  /** `collection/document` for each cited source, in citation order. */
  citations: string[];
};

export type Vote = { user: UserName; sentiment: Sentiment };
export type AuditEntry = { action: string; outcome: string; user?: UserName };

export interface PlatformDriver {
  readonly platform: 'slack' | 'teams';
  start(): Promise<void>;
  close(): Promise<void>;
  /** A new post addressed to the bot (an @-mention) in a channel. */
  mention(step: { as: string; user: UserName; channel: ChannelName; text: string }): Promise<void>;
  /** A reply in the thread of post `thread`, not mentioning the bot. */
  threadReply(step: { as: string; user: UserName; channel: ChannelName; thread: string; text: string }): Promise<void>;
  /** The platform delivers post `post` again (its retry after a timeout). */
  redeliver(step: { post: string }): Promise<void>;
  /** A reaction meaning `sentiment`, added or removed, on the bot's answer to post `answerTo`. */
  react(step: { user: UserName; answerTo: string; sentiment: 'helpful' | 'not-helpful'; added: boolean }): Promise<void>;
  /** The admin command, spelled as the platform spells it (`/reindex …`, `@ragbot reindex …`). */
  reindex(step: { as: string; user: UserName; channel: ChannelName; args: string }): Promise<void>;
  /** Waits for the work the bot does after acknowledging. */
  settle(): Promise<void>;
  shown(): ShownMessage[];
  votes(answerTo: string): Promise<Vote[]>;
  audit(): AuditEntry[];
}

type MessageCheck = {
  thread?: string;
  private?: boolean;
  text?: RegExp;
  /** Documents that must be cited (`collection/document`). */
  cites?: string[];
  /** Collections nothing may be cited from. */
  citesNothingFrom?: string[];
  citesNothing?: boolean;
};

export type Step =
  | ({ do: 'mention' } & Parameters<PlatformDriver['mention']>[0])
  | ({ do: 'threadReply' } & Parameters<PlatformDriver['threadReply']>[0])
  | ({ do: 'redeliver' } & Parameters<PlatformDriver['redeliver']>[0])
  | ({ do: 'react' } & Parameters<PlatformDriver['react']>[0])
  | ({ do: 'reindex' } & Parameters<PlatformDriver['reindex']>[0])
  | { do: 'settle' }
  /** Every message shown so far, in order, one check each. */
  | { expect: 'shown'; messages: MessageCheck[] }
  /** At least one message shown so far passes, and none passes `none`. */
  | { expect: 'shownSome'; message: MessageCheck; none?: MessageCheck }
  | { expect: 'votes'; answerTo: string; votes: Vote[] }
  | { expect: 'lastAudit'; entry: AuditEntry };

export type Scenario = { name: string; steps: Step[] };

const ADMIN_REFUSAL = /only ragbot admins can reindex/i;
const REINDEX_DONE = /reindex finished/i;

export const SCENARIOS: Scenario[] = [
  {
    name: 'a mention is answered in its thread, with citations',
    steps: [
      { do: 'mention', as: 'question', user: 'bob', channel: 'netops', text: QUESTIONS.runbooks },
      { do: 'settle' },
      { expect: 'shown', messages: [{ thread: 'question', private: false, cites: ['runbooks/haproxy.md'], citesNothingFrom: ['security'] }] },
    ],
  },
  {
    name: 'a follow-up in an answered thread is answered there, with the thread as context',
    steps: [
      { do: 'mention', as: 'question', user: 'bob', channel: 'followups', text: QUESTIONS.runbooks },
      { do: 'settle' },
      { do: 'threadReply', as: 'followUp', user: 'bob', channel: 'followups', thread: 'question', text: QUESTIONS.followUp },
      { do: 'settle' },
      {
        expect: 'shown',
        messages: [
          { thread: 'question', cites: ['runbooks/haproxy.md'] },
          { thread: 'question', cites: ['runbooks/dns.md'], text: /reviewed by the network team/ },
        ],
      },
    ],
  },
  {
    name: 'a reaction on an answer is one vote, and removing it removes the vote',
    steps: [
      { do: 'mention', as: 'question', user: 'bob', channel: 'netops', text: QUESTIONS.runbooks },
      { do: 'settle' },
      { do: 'react', user: 'alice', answerTo: 'question', sentiment: 'helpful', added: true },
      { do: 'settle' },
      { expect: 'votes', answerTo: 'question', votes: [{ user: 'alice', sentiment: 'helpful' }] },
      { do: 'react', user: 'alice', answerTo: 'question', sentiment: 'helpful', added: false },
      { do: 'settle' },
      { expect: 'votes', answerTo: 'question', votes: [] },
    ],
  },
  {
    name: 'a redelivered message is answered once',
    steps: [
      { do: 'mention', as: 'question', user: 'bob', channel: 'netops', text: QUESTIONS.runbooks },
      { do: 'settle' },
      { do: 'redeliver', post: 'question' },
      { do: 'redeliver', post: 'question' },
      { do: 'settle' },
      { expect: 'shown', messages: [{ thread: 'question', cites: ['runbooks/haproxy.md'] }] },
    ],
  },
  {
    name: 'the admin command is refused to a non-admin, and the refusal audit-logged',
    steps: [
      { do: 'reindex', as: 'command', user: 'bob', channel: 'netops', args: 'runbooks --full' },
      { do: 'settle' },
      { expect: 'shownSome', message: { text: ADMIN_REFUSAL }, none: { text: REINDEX_DONE } },
      { expect: 'lastAudit', entry: { action: 'reindex', outcome: 'refused', user: 'bob' } },
    ],
  },
  {
    name: 'the admin command runs for an admin, with a summary',
    steps: [
      { do: 'reindex', as: 'command', user: 'admin', channel: 'netops', args: 'runbooks' },
      { do: 'settle' },
      { expect: 'shownSome', message: { text: REINDEX_DONE }, none: { text: ADMIN_REFUSAL } },
      { expect: 'shownSome', message: { text: /runbooks[\s\S]*0 added, 0 changed, 0 deleted, 2 unchanged/ } },
      { expect: 'lastAudit', entry: { action: 'reindex', outcome: 'allowed', user: 'admin' } },
    ],
  },
  {
    name: 'a channel shared with another organization gets a refusal, not an answer',
    steps: [
      { do: 'mention', as: 'question', user: 'bob', channel: 'shared', text: QUESTIONS.runbooks },
      { do: 'settle' },
      { expect: 'shown', messages: [{ thread: 'question', citesNothing: true, text: /shared with other organizations/ }] },
    ],
  },
  {
    name: "an answer cites only what the channel's audience may read, whatever the asker may",
    steps: [
      { do: 'mention', as: 'inSecops', user: 'alice', channel: 'secops', text: QUESTIONS.security },
      { do: 'settle' },
      { do: 'mention', as: 'inNetops', user: 'alice', channel: 'netops', text: QUESTIONS.security },
      { do: 'settle' },
      {
        expect: 'shown',
        messages: [
          { thread: 'inSecops', cites: ['security/rotation.md'] },
          { thread: 'inNetops', citesNothingFrom: ['security'] },
        ],
      },
    ],
  },
];

const checkMessage = (message: ShownMessage, check: MessageCheck, where: string) => {
  if (check.thread !== undefined) expect(message.thread, `${where}: thread`).toBe(check.thread);
  if (check.private !== undefined) expect(message.private, `${where}: private`).toBe(check.private);
  if (check.text) expect(message.text, `${where}: text`).toMatch(check.text);
  if (check.cites) expect(message.citations, `${where}: citations`).toEqual(expect.arrayContaining(check.cites));
  if (check.citesNothing) expect(message.citations, `${where}: citations`).toEqual([]);
  for (const collection of check.citesNothingFrom ?? []) {
    expect(message.citations.filter((citation) => citation.startsWith(`${collection}/`)), `${where}: citations from ${collection}`).toEqual([]);
  }
};

const passes = (message: ShownMessage, check: MessageCheck) => {
  try {
    checkMessage(message, check, '');
    return true;
  } catch {
    return false;
  }
};

/** Runs one scenario on one platform; every check is the same for every platform. */
/** Plays a scenario on one platform; returns how many checks it made (a scenario without any proves nothing). */
export const runScenario = async (driver: PlatformDriver, scenario: Scenario): Promise<number> => {
  let checks = 0;
  for (const [index, step] of scenario.steps.entries()) {
    const where = `${driver.platform} · ${scenario.name} · step ${index + 1}`;
    if ('do' in step) {
      if (step.do === 'settle') await driver.settle();
      else if (step.do === 'mention') await driver.mention(step);
      else if (step.do === 'threadReply') await driver.threadReply(step);
      else if (step.do === 'redeliver') await driver.redeliver(step);
      else if (step.do === 'react') await driver.react(step);
      else await driver.reindex(step);
      continue;
    }
    checks++;
    const shown = driver.shown();
    if (process.env.PARITY_DEBUG) console.log(where, JSON.stringify(shown, null, 1));
    if (step.expect === 'shown') {
      expect(shown.map((message) => message.text), `${where}: messages shown`).toHaveLength(step.messages.length);
      step.messages.forEach((check, position) => checkMessage(shown[position]!, check, `${where}, message ${position + 1}`));
    } else if (step.expect === 'shownSome') {
      expect(shown.some((message) => passes(message, step.message)), `${where}: some message like ${JSON.stringify(step.message, (_key, value: unknown) => (value instanceof RegExp ? String(value) : value))} in ${JSON.stringify(shown.map((message) => message.text))}`).toBe(true);
      if (step.none) expect(shown.filter((message) => passes(message, step.none!)), `${where}: no message like ${String(step.none.text)}`).toEqual([]);
    } else if (step.expect === 'votes') {
      expect(await driver.votes(step.answerTo), `${where}: votes`).toEqual(step.votes);
    } else {
      expect(driver.audit().at(-1), `${where}: last audit entry`).toEqual(step.entry);
    }
  }
  return checks;
};
