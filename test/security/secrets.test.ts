import { readdir, readFile, rm, mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from '../fakes/fake-anthropic.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.js';
import { startFakePinecone, type FakePinecone } from '../fakes/fake-pinecone.js';
import { FakeBotConnector } from '../fakes/fake-bot-connector.js';
import { FakeSlackWebApi } from '../fakes/fake-slack-web-api.js';
import { citingReply } from '../support/citing-reply.js';
import { startDurableRedis, type DurableRedis } from '../support/reliability-redis.js';
import { startServeChild, type ServeChild } from '../support/reliability-serve.js';
import { eventually } from '../support/reliability-stack.js';
import {
  BOT_USER, TENANT, sendSlackEvent, sendSlackForm, slackAnswers, slackCommandForm, slackMention, slackReaction, teamsPersonalMessage, teamsUser, timedPost,
} from '../support/reliability-world.js';
import { signSlackRequest } from '../support/slack-signing.js';

/**
 * Secrets: `ragbot serve` as an operator runs it (child process, debug logging) with Slack,
 * Teams (authenticated: app id and password), OpenAI, Anthropic, Pinecone and a password-protected
 * Redis, every credential a recognisable canary. The whole flow runs, faults included (providers
 * answering errors that echo the key back, Redis dying), and then every line the process wrote,
 * every message it posted, its /metrics and /readyz, and every file in its data directory are
 * scanned, with what Redis persisted: no canary may appear anywhere.
 *
 * Teams is authenticated here (that is what loads the app password), so only requests without a
 * token are sent: a token would make botbuilder fetch the Bot Framework's signing keys from the
 * internet. Teams' answer flow with these canaries is therefore not driven (see docs/reliability.md).
 */

const CANARIES = {
  slackBotToken: 'xoxb-SECRET-CANARY-slack-bot-0001',
  slackSigningSecret: '5ec2e75ec2e75ec2e75ec2e75ec2e7ca',
  openai: 'sk-CANARY-openai-key-0001',
  anthropic: 'sk-ant-CANARY-anthropic-key-0001',
  pinecone: 'pcsk_CANARY_pinecone_key_0001',
  microsoftAppPassword: 'CANARY~microsoft~app~password~0001',
  redisPassword: 'CANARY-redis-password-0001',
};
// The distinctive middle of each canary, so a secret cut, quoted or re-encoded is still caught.
const FRAGMENTS = ['SECRET-CANARY-slack', '5ec2e75ec2e7', 'CANARY-openai', 'CANARY-anthropic', 'CANARY_pinecone', 'CANARY~microsoft', 'CANARY-redis'];
const APP_ID = '0c3e5a7b-9d1f-4a2b-8c4d-6e8f0a1b2c3d';

const leaks = (text: string) => FRAGMENTS.filter((fragment) => text.includes(fragment) || text.includes(encodeURIComponent(fragment)));

describe('secrets never appear in logs, posts, metrics or files', () => {
  let dataDirectory: string;
  let redis: DurableRedis;
  let openai: FakeOpenAI;
  let anthropic: FakeAnthropic;
  let pinecone: FakePinecone;
  let slack: FakeSlackWebApi;
  let connector: FakeBotConnector;
  let serve: ServeChild;
  const observed: string[] = [];

  beforeAll(async () => {
    dataDirectory = await mkdtemp(join(tmpdir(), 'ragbot-secrets-'));
    [redis, openai, anthropic, pinecone, slack, connector] = await Promise.all([
      startDurableRedis({ password: CANARIES.redisPassword }),
      startFakeOpenAI({ reply: citingReply(), apiKey: CANARIES.openai, dimensions: 64 }),
      startFakeAnthropic({ reply: citingReply(), apiKey: CANARIES.anthropic }),
      startFakePinecone({ dimension: 64, apiKey: CANARIES.pinecone }),
      new FakeSlackWebApi({ token: CANARIES.slackBotToken, teamId: TENANT, botUserId: BOT_USER, botId: 'B0RAGBOT' }).start(),
      new FakeBotConnector().start(),
    ]);
    slack.addChannel({ id: 'C0GENERAL', name: 'general', kind: 'public', members: ['U0ALICE', 'U0ADMIN', BOT_USER] });
    serve = await startServeChild(
      {
        RAGBOT_DATA_DIR: dataDirectory, RAGBOT_DOCS_DIR: 'examples/docs', RAGBOT_TENANT: TENANT, RAGBOT_LOG_LEVEL: 'debug', REDIS_URL: redis.url,
        SLACK_BOT_TOKEN: CANARIES.slackBotToken, SLACK_SIGNING_SECRET: CANARIES.slackSigningSecret, SLACK_API_URL: slack.apiUrl,
        MicrosoftAppId: APP_ID, MicrosoftAppPassword: CANARIES.microsoftAppPassword, MicrosoftAppType: 'MultiTenant',
        OPENAI_API_KEY: CANARIES.openai, OPENAI_BASE_URL: `${openai.url}/v1`, ANTHROPIC_API_KEY: CANARIES.anthropic, ANTHROPIC_BASE_URL: anthropic.url,
        RAGBOT_VECTOR_STORE: 'pinecone', PINECONE_API_KEY: CANARIES.pinecone, PINECONE_INDEX: pinecone.indexName, PINECONE_HOST: pinecone.url,
        RAGBOT_EMBEDDINGS: 'openai', RAGBOT_EMBEDDING_DIMENSIONS: '64',
      },
      { withProbe: false, timeoutMs: 90_000 },
    );
  }, 120_000);
  afterAll(async () => {
    await serve?.kill9();
    await Promise.all([openai?.close(), anthropic?.close(), pinecone?.close(), slack?.close(), connector?.close()]);
    await redis?.close();
    await rm(dataDirectory, { recursive: true, force: true });
  });

  it('runs the whole flow, faults included, with every credential in use', async () => {
    const ask = async (eventId: string, text: string) => {
      const ts = slack.addUserMessage({ channel: 'C0GENERAL', user: 'U0ALICE', text: `<@${BOT_USER}> ${text}` });
      expect((await sendSlackEvent(serve.url, slackMention({ eventId, channel: 'C0GENERAL', user: 'U0ALICE', text, ts }), { secret: CANARIES.slackSigningSecret })).status).toBe(200);
      return eventually(() => slackAnswers(slack).get(eventId)?.[0], 30_000, `the answer to ${eventId}`);
    };
    // A normal answer, and a vote on it.
    const answer = await ask('Ev0SECRET1', 'how do I drain a haproxy backend?');
    expect(answer.text).toMatch(/\[1\]/);
    await sendSlackEvent(serve.url, slackReaction({ eventId: 'Ev0SECRETVOTE', user: 'U0ALICE', channel: answer.channel, ts: answer.ts, reaction: '+1' }), { secret: CANARIES.slackSigningSecret });
    // /ask, and /reindex (unavailable without a policy naming sources).
    await sendSlackForm(serve.url, slackCommandForm({ command: '/ask', text: 'what vlan do branch offices use for voice?', channel: 'C0GENERAL', user: 'U0ALICE', triggerId: 'secret-ask', responseUrl: slack.responseUrl('secret-ask') }), { secret: CANARIES.slackSigningSecret });
    await sendSlackForm(serve.url, slackCommandForm({ command: '/reindex', text: '--full', channel: 'C0GENERAL', user: 'U0ADMIN', triggerId: 'secret-reindex', responseUrl: slack.responseUrl('secret-reindex') }), { secret: CANARIES.slackSigningSecret });
    await eventually(() => slackAnswers(slack).get('secret-ask')?.[0], 30_000, 'the /ask answer');

    // Providers failing with error bodies that echo the key back (as misconfigured gateways do).
    const echo = (key: string) => ({ error: { message: `Incorrect API key provided: ${key}`, type: 'server_error', code: null, param: null } });
    openai.failNext(2, { status: 500, pathPrefix: '/v1/chat', body: echo(CANARIES.openai) });
    anthropic.failNext(2, { status: 529, body: { type: 'error', error: { type: 'overloaded_error', message: `key ${CANARIES.anthropic} overloaded` } } });
    const degraded = await ask('Ev0SECRET2', 'how do I fail over patroni?');
    expect(degraded.text).toMatch(/degraded/);
    pinecone.failNext(3, { status: 503, body: { code: 14, message: `Api-Key ${CANARIES.pinecone} rejected upstream`, details: [] } });
    expect((await ask('Ev0SECRET3', 'what MTU do we use for jumbo frames?')).text).toMatch(/Search is unavailable|\[1\]/);
    slack.server.failNext(3, { pathPrefix: '/api/chat.postMessage', status: 500, body: { ok: false, error: `internal_error for token ${CANARIES.slackBotToken}` } });
    const ts = slack.addUserMessage({ channel: 'C0GENERAL', user: 'U0ALICE', text: 'lost' });
    await sendSlackEvent(serve.url, slackMention({ eventId: 'Ev0SECRET4', channel: 'C0GENERAL', user: 'U0ALICE', text: 'how are network devices named?', ts }), { secret: CANARIES.slackSigningSecret });
    await eventually(() => (serve.lines().some((line) => line.includes('background answer failed')) ? true : undefined), 30_000, 'the failed post logged');

    // Redis dies and comes back.
    await redis.kill();
    await ask('Ev0SECRET5', 'what are the QoS classes?');
    observed.push(await (await fetch(`${serve.url}/readyz`)).text());
    await redis.start();
    await eventually(async () => ((await fetch(`${serve.url}/readyz`)).status === 200 ? true : undefined), 20_000, 'ready again');

    // Teams: requests without a token are refused (the app password is loaded, never shown).
    const activity = JSON.stringify({ ...teamsPersonalMessage({ id: 'secret-teams-1', user: teamsUser(0), text: 'hello', serviceUrl: connector.url }), channelData: { tenant: { id: TENANT } } });
    expect((await timedPost(`${serve.url}/api/messages`, activity, { 'content-type': 'application/json' })).status).toBe(401);
    // Slack: unsigned and mis-signed requests are refused.
    const body = JSON.stringify(slackMention({ eventId: 'Ev0FORGED', channel: 'C0GENERAL', user: 'U0ALICE', text: 'hi', ts: '1.1' }));
    expect((await timedPost(`${serve.url}/slack/events`, body, { 'content-type': 'application/json', ...signSlackRequest('00000000000000000000000000000000', body) })).status).toBe(401);

    observed.push(await (await fetch(`${serve.url}/metrics`)).text(), await (await fetch(`${serve.url}/readyz`)).text(), await (await fetch(`${serve.url}/healthz`)).text());
    // Every credential was really used (the fakes check them), so a leak-free result means something.
    expect(openai.requests.some((request) => request.headers.authorization === `Bearer ${CANARIES.openai}`)).toBe(true);
    expect(anthropic.requests.length).toBeGreaterThan(0);
    expect(pinecone.requests.some((request) => request.headers['api-key'] === CANARIES.pinecone)).toBe(true);
    expect(slack.server.requests.some((request) => request.headers.authorization === `Bearer ${CANARIES.slackBotToken}`)).toBe(true);
  }, 120_000);

  it('no canary in any log line, post, metric or file', async () => {
    await new Promise((resolveWait) => setTimeout(resolveWait, 500));
    const lines = serve.lines();
    expect(lines.length).toBeGreaterThan(50);
    expect(lines.some((line) => line.includes('"level":20'))).toBe(true); // debug lines were written and scanned too
    expect(lines.flatMap((line) => leaks(line).map((fragment) => `${fragment} in: ${line.slice(0, 300)}`))).toEqual([]);

    const posts = [
      ...slack.messages.map((message) => JSON.stringify(message)),
      ...slack.ephemerals.map((args) => JSON.stringify(args)),
      ...slack.responses.map((response) => JSON.stringify(response)),
      ...connector.sent.map((sent) => JSON.stringify(sent.activity)),
    ];
    expect(posts.length).toBeGreaterThan(3);
    expect(posts.flatMap((post) => leaks(post))).toEqual([]);
    // What the bot sent to the model: questions and passages only (keys travel in headers).
    expect([...openai.requests, ...anthropic.requests].flatMap((request) => leaks(JSON.stringify(request.body ?? '')))).toEqual([]);
    expect(observed.flatMap((text) => leaks(text))).toEqual([]);

    const files: string[] = [];
    const walk = async (directory: string): Promise<void> => {
      for (const name of await readdir(directory)) {
        const path = join(directory, name);
        if ((await stat(path)).isDirectory()) await walk(path);
        else files.push(path);
      }
    };
    await walk(dataDirectory);
    const dataFiles = files.length;
    await walk(redis.directory); // what Redis persisted of the bot's state: catalogs, feedback, caches, keys
    expect(files.length).toBeGreaterThan(dataFiles);
    for (const file of files) expect({ file: file.split('/').slice(-2).join('/'), leaks: leaks((await readFile(file)).toString('latin1')) }).toEqual({ file: file.split('/').slice(-2).join('/'), leaks: [] });
    console.info(`[reliability:secrets] scanned ${lines.length} log lines (${lines.filter((line) => line.includes('"level":20')).length} debug), ${posts.length} posts, ${observed.length} endpoint answers, ${dataFiles} files in the data directory and ${files.length - dataFiles} of Redis's append-only file: no canary`);
  });
});
