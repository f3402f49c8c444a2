import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASK_USAGE } from '../../adapters/slack/slack-commands.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.js';
import { lastUserText } from '../fakes/fake-model-text.js';
import { slackRequest, slackShapedRequest, teamsRequest, type HostileRequest } from '../support/reliability-hostile.js';
import { eventually, runPool, startReliabilityStack, type ReliabilityStack } from '../support/reliability-stack.js';
import {
  BOT_USER, SLACK_SIGNING_SECRET, TENANT, sendSlackEvent, sendSlackForm, sendTeams, slackAnswers, slackChannelId, slackCommandForm, slackMention,
  slackNotifies, slackShownText, slackUserId, startWorld, teamsChannelId, teamsChannelMessage, teamsNotifies, teamsPersonalMessage, teamsReplies,
  teamsUser, timedPost, type World,
} from '../support/reliability-world.js';
import { signSlackRequest } from '../support/slack-signing.js';

/**
 * Hostile and broken input at the two public endpoints, /slack/events and /api/messages: fuzzed
 * bodies (fast-check, a fixed seed so a failure is reproducible), wrong content types, oversize
 * bodies, missing fields, unicode tricks, 10,000-character and empty questions. The bot must answer
 * each request with a 2xx or a clear 4xx (never a 5xx, never a crash), answer questions with an
 * answer or a polite refusal, and never post anything that notifies people.
 *
 * The model here is hostile too: it repeats the question and adds every broadcast syntax, so only
 * the bot's own post-processing stands between a question and a notification.
 */

const SEED = 20_261_121;
const SAMPLES = 250;

const hostileReply = (messages: { role: string; content?: unknown }[]) => {
  const question = lastUserText(messages).split('\nQuestion: ').at(-1) ?? '';
  return `${question.slice(0, 500)} <!channel> <!here|here> @everyone @here <@U0ADMIN> <at>Everyone</at> <!subteam^S0ONCALL> Drain it with set server state drain [1].`;
};

describe('hostile input at /slack/events and /api/messages', () => {
  let dataDirectory: string;
  let openai: FakeOpenAI;
  let world: World;
  let stack: ReliabilityStack;

  beforeAll(async () => {
    dataDirectory = await mkdtemp(join(tmpdir(), 'ragbot-hostile-'));
    [openai, world] = await Promise.all([startFakeOpenAI({ reply: hostileReply }), startWorld()]);
    stack = await startReliabilityStack({
      env: { ...world.env(), RAGBOT_DATA_DIR: dataDirectory, RAGBOT_DOCS_DIR: 'examples/docs', OPENAI_API_KEY: 'sk-hostile-test-key', OPENAI_BASE_URL: `${openai.url}/v1`, RAGBOT_RATE_LIMIT_USER: '10000', RAGBOT_RATE_LIMIT_CHANNEL: '10000' },
      logLevel: 'warn',
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
    await Promise.all([world?.close(), openai?.close()]);
    await rm(dataDirectory, { recursive: true, force: true });
  });

  const send = async (request: HostileRequest) => {
    const text = typeof request.body === 'string' ? request.body.replaceAll('RESPONSE_URL', world.slack.responseUrl('fuzz')) : request.body;
    const headers: Record<string, string> = request.contentType ? { 'content-type': request.contentType } : {};
    if (request.label === 'slack') {
      const raw = text.toString();
      if (request.signed === 'valid') Object.assign(headers, signSlackRequest(SLACK_SIGNING_SECRET, raw));
      if (request.signed === 'wrong') Object.assign(headers, signSlackRequest('ffffffffffffffffffffffffffffffff', raw));
      if (request.signed === 'stale') Object.assign(headers, signSlackRequest(SLACK_SIGNING_SECRET, raw, Math.floor(Date.now() / 1000) - 600));
    }
    const path = request.label === 'slack' ? '/slack/events' : '/api/messages';
    return { request, response: await timedPost(`${stack.url}${path}`, text, headers) };
  };
  /** Everything the bot showed anyone in Slack (messages, ephemerals, response_url posts) and Teams. */
  const everythingShown = () => ({
    slack: [
      ...world.slack.messages.filter((message) => message.user === BOT_USER).map((message) => ({ text: slackShownText(message), asker: String(message.metadata?.event_payload.question === undefined ? '' : /^<@([A-Z0-9]+)>/.exec(message.text)?.[1] ?? '') })),
      ...world.slack.ephemerals.map((args) => ({ text: slackShownText(args), asker: '' })),
      ...world.slack.responses.map(({ body }) => ({ text: slackShownText(body), asker: '' })),
    ],
    teams: world.connector.sent.map((sent) => sent.activity),
  });
  const expectNothingNotifies = () => {
    const shown = everythingShown();
    expect(shown.slack.length + shown.teams.length).toBeGreaterThan(0);
    expect(shown.slack.map(({ text, asker }) => slackNotifies(text, asker || undefined)).filter(Boolean)).toEqual([]);
    expect(shown.teams.map((activity) => teamsNotifies(activity)).filter(Boolean)).toEqual([]);
  };

  const slackOptions = () => ({ tenant: TENANT, channels: [slackChannelId(0), slackChannelId(1)], users: [slackUserId(0), slackUserId(1)] });
  const describeFailures = (results: { request: HostileRequest; response: { status: number } }[]) =>
    results.map(({ request, response }) => ({ status: response.status, contentType: request.contentType, signed: request.signed, body: request.body.toString().slice(0, 300) }));

  it(`fuzzed Slack requests without a valid signature (${SAMPLES}, fixed seed): refused with a 4xx, never a 5xx`, async () => {
    const requests = fc.sample(slackRequest(slackOptions()), { numRuns: SAMPLES, seed: SEED }).map((request) => ({ ...request, signed: request.signed === 'valid' ? ('wrong' as const) : request.signed }));
    const shownBefore = world.slack.messages.length + world.slack.ephemerals.length + world.slack.responses.length;
    const results = await runPool(requests, 64, send);
    // Slack's SSL check (a form with ssl_check=1) is unsigned by design: Bolt answers 200 and drops everything else in it.
    const sslCheck = (request: HostileRequest) => request.contentType === 'application/x-www-form-urlencoded' && new URLSearchParams(request.body.toString()).get('ssl_check') === '1';
    expect(describeFailures(results.filter(({ request, response }) => !((response.status >= 400 && response.status < 500) || (response.status === 200 && sslCheck(request)))))).toEqual([]);
    expect(results.filter(({ response }) => response.status === 401).length).toBeGreaterThan(SAMPLES / 2);
    await stack.settle();
    expect(world.slack.messages.length + world.slack.ephemerals.length + world.slack.responses.length).toBe(shownBefore);
  }, 60_000);

  it(`fuzzed signed Slack payloads shaped as Slack sends them, with hostile values (${SAMPLES}, fixed seed): a 2xx or a 4xx, never a 5xx`, async () => {
    const requests = fc.sample(slackShapedRequest(slackOptions()), { numRuns: SAMPLES, seed: SEED });
    const results = await runPool(requests, 64, send);
    expect(describeFailures(results.filter(({ response }) => response.status >= 500 || response.status === 0))).toEqual([]);
    expect(results.filter(({ response }) => response.status === 200).length).toBeGreaterThan(SAMPLES / 2);
  }, 90_000);

  // Signed bodies whose structure no Slack payload has (`event` a string or null, a null `channel`)
  // made Bolt's own routing throw a TypeError, which Bolt's receiver answered with 500; the bot's
  // receiver answers 400, and 404 at once to a shape no listener takes (Bolt held those for 3 s).
  it(`fuzzed signed Slack payloads of any structure (${SAMPLES}, fixed seed): a 2xx or a 4xx, never a 5xx`, async () => {
    const requests = fc.sample(slackRequest(slackOptions()), { numRuns: SAMPLES, seed: SEED }).map((request) => ({ ...request, signed: 'valid' as const }));
    const results = await runPool(requests, 64, send);
    expect(describeFailures(results.filter(({ response }) => response.status >= 500 || response.status === 0))).toEqual([]);
    expect(results.filter(({ response }) => response.status >= 400 && response.status < 500).length).toBeGreaterThan(0);
  }, 90_000);

  it(`fuzzed Teams activities (${SAMPLES}, fixed seed): a 2xx or a 4xx every time, never a 5xx`, async () => {
    const requests = fc.sample(teamsRequest({ tenant: TENANT, serviceUrl: world.connector.url, channels: [teamsChannelId(0), teamsChannelId(1)] }), { numRuns: SAMPLES, seed: SEED });
    const results = await runPool(requests, 64, send);
    // CloudAdapter answers 501 to invokes it has no handler for, as the Bot Framework specifies; that is the only 5xx allowed.
    const failures = results.filter(({ request, response }) => (response.status >= 500 && !(response.status === 501 && /"type":"invoke"/.test(request.body.toString()))) || response.status === 0);
    expect(describeFailures(failures)).toEqual([]);
    expect(results.filter(({ response }) => response.status === 200).length).toBeGreaterThan(SAMPLES / 5);
  }, 90_000);

  it('after the fuzzing: still healthy, still answering, nothing it posted can notify anyone, nothing failed inside', async () => {
    await stack.settle(30_000);
    expect((await fetch(`${stack.url}/healthz`)).status).toBe(200);
    const ts = world.slack.nextTs();
    await sendSlackEvent(stack.url, slackMention({ eventId: 'Ev0AFTERFUZZ', channel: slackChannelId(0), user: slackUserId(0), text: 'how do I drain a haproxy backend?', ts }));
    const answer = await eventually(() => slackAnswers(world.slack).get('Ev0AFTERFUZZ')?.[0], 20_000, 'an answer after the fuzzing');
    expect(answer.text).toMatch(/\[1\]/);
    await stack.settle();
    expectNothingNotifies();
    expect(stack.logLines.filter((line) => line.includes('"msg":"request failed"'))).toEqual([]);
  }, 60_000);

  it('oversize bodies are refused with 413 on both endpoints, and wrong content types with 4xx', async () => {
    const big = Buffer.alloc(5 * 1024 * 1024, 'a');
    expect((await timedPost(`${stack.url}/slack/events`, big, { 'content-type': 'application/json', ...signSlackRequest(SLACK_SIGNING_SECRET, big.toString()) })).status).toBe(413);
    expect((await timedPost(`${stack.url}/api/messages`, Buffer.alloc(2 * 1024 * 1024, 'a'), { 'content-type': 'application/json' })).status).toBe(413);
    const activity = JSON.stringify(teamsPersonalMessage({ id: 'ct-1', user: teamsUser(0), text: 'hello', serviceUrl: world.connector.url }));
    expect((await timedPost(`${stack.url}/api/messages`, '<activity/>', { 'content-type': 'application/xml' })).status).toBe(400);
    expect((await timedPost(`${stack.url}/api/messages`, activity, { 'content-type': 'text/plain' })).status).toBeLessThan(500);
    const form = 'command=%2Fask&text=hi';
    expect((await timedPost(`${stack.url}/slack/events`, form, { 'content-type': 'text/plain', ...signSlackRequest(SLACK_SIGNING_SECRET, form) })).status).toBe(400);
    // The two bodies Bolt 5.1 cannot survive (found here, refused by the adapter since): JSON null, and a form whose payload is null.
    expect((await timedPost(`${stack.url}/slack/events`, 'null', { 'content-type': 'application/json', ...signSlackRequest(SLACK_SIGNING_SECRET, 'null') })).status).toBe(400);
    expect((await timedPost(`${stack.url}/slack/events`, 'payload=null', { 'content-type': 'application/x-www-form-urlencoded', ...signSlackRequest(SLACK_SIGNING_SECRET, 'payload=null') })).status).toBe(400);
    // An activity without a type (CloudAdapter throws on it): a 400, not a 500.
    expect((await timedPost(`${stack.url}/api/messages`, '{}', { 'content-type': 'application/json' })).status).toBe(400);
  });

  it('a 10,000-character question and an empty one get polite refusals, on both platforms', async () => {
    const long = 'how do I drain a haproxy backend? '.repeat(300);
    const channel = slackChannelId(1);
    await sendSlackEvent(stack.url, slackMention({ eventId: 'Ev0LONG', channel, user: slackUserId(1), text: long, ts: world.slack.nextTs() }));
    await sendSlackEvent(stack.url, slackMention({ eventId: 'Ev0EMPTY', channel, user: slackUserId(1), text: '', ts: world.slack.nextTs() }));
    const serviceUrl = world.connector.url;
    await sendTeams(stack.url, teamsChannelMessage({ id: 'long-teams', channel: teamsChannelId(0), team: world.teamOfChannel(0), user: teamsUser(1), text: long, serviceUrl }));
    await sendTeams(stack.url, teamsPersonalMessage({ id: 'empty-teams', user: teamsUser(1), text: '   ', serviceUrl }));
    const tooLong = /That question is too long: please keep it under 2000 characters\./;
    expect((await eventually(() => slackAnswers(world.slack).get('Ev0LONG')?.[0], 20_000, 'long question answered')).text).toMatch(tooLong);
    expect((await eventually(() => slackAnswers(world.slack).get('Ev0EMPTY')?.[0], 20_000, 'empty question answered')).text).toMatch(/Ask me a question about your documentation/);
    expect(String((await eventually(() => teamsReplies(world.connector).get('long-teams')?.[0], 20_000, 'long Teams question answered')).activity.text)).toMatch(tooLong);
    const emptyReply = await eventually(() => teamsReplies(world.connector).get('empty-teams')?.[0], 20_000, 'empty Teams question answered');
    expect(String(emptyReply.activity.text)).toMatch(/Ask me a question|Ask me about|help/i);
    // /ask: no text gets the usage at once; a 10k-character one a refusal in the thread of an inert root message.
    const empty = await sendSlackForm(stack.url, slackCommandForm({ command: '/ask', text: '', channel, user: slackUserId(1), triggerId: 't-empty', responseUrl: world.slack.responseUrl('t-empty') }));
    expect(JSON.parse(empty.body)).toMatchObject({ response_type: 'ephemeral', text: ASK_USAGE });
    await sendSlackForm(stack.url, slackCommandForm({ command: '/ask', text: `<!channel> ${long}`, channel, user: slackUserId(1), triggerId: 't-long', responseUrl: world.slack.responseUrl('t-long') }));
    expect((await eventually(() => slackAnswers(world.slack).get('t-long')?.[0], 20_000, '/ask answered')).text).toMatch(tooLong);
    await stack.settle();
    expectNothingNotifies();
  }, 60_000);

  it('unicode tricks and mention syntax in questions never come out as notifications', async () => {
    const tricks = ['<!channel> how do I drain haproxy?', '@here drain haproxy', '@\u200bchannel drain haproxy', '\uff20channel drain haproxy', '\u202e@channel\u202c drain haproxy', '<@U0ADMIN> drain haproxy', '<!subteam^S0ONCALL|@oncall> drain haproxy', '<at>Everyone</at> drain haproxy'];
    const serviceUrl = world.connector.url;
    for (const [index, text] of tricks.entries()) {
      await sendSlackEvent(stack.url, slackMention({ eventId: `Ev0TRICK${index}`, channel: slackChannelId(0), user: slackUserId(0), text, ts: world.slack.nextTs() }));
      await sendTeams(stack.url, teamsChannelMessage({ id: `trick-${index}`, channel: teamsChannelId(1), team: world.teamOfChannel(1), user: teamsUser(0), text, serviceUrl }));
      await sendSlackForm(stack.url, slackCommandForm({ command: '/ask', text, channel: slackChannelId(0), user: slackUserId(0), triggerId: `t-trick-${index}`, responseUrl: world.slack.responseUrl(`t-trick-${index}`) }));
    }
    await eventually(() => (tricks.every((_, index) => slackAnswers(world.slack).has(`Ev0TRICK${index}`) && teamsReplies(world.connector).has(`trick-${index}`) && slackAnswers(world.slack).has(`t-trick-${index}`)) ? true : undefined), 30_000, 'every trick answered');
    await stack.settle();
    // The hostile model did put every broadcast syntax into each answer: none survived, the words stayed readable.
    expect(openai.requests.filter((request) => request.path === '/v1/chat/completions').length).toBeGreaterThan(0);
    expect(slackAnswers(world.slack).get('Ev0TRICK0')?.[0]?.text).toMatch(/channel.*here.*everyone/s);
    expectNothingNotifies();
  }, 60_000);
});
