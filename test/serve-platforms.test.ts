import { readFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBotConnector } from './fakes/fake-bot-connector.js';
import { FakeSlackWebApi } from './fakes/fake-slack-web-api.js';
import { startServeProcess } from './support/serve-process.js';
import { signSlackRequest } from './support/slack-signing.js';

const SIGNING_SECRET = '8f742231b10e8888abcd99b1c7a0e3d5';
const root = new URL('..', import.meta.url).pathname;

const eventually = async <T>(read: () => T | undefined, timeoutMs = 20_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('nothing arrived in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

describe('ragbot serve answering Slack and Teams end to end (child process, local fakes)', () => {
  let dataDirectory: string;
  let slack: FakeSlackWebApi;
  let connector: FakeBotConnector;
  let serve: Awaited<ReturnType<typeof startServeProcess>>;

  beforeAll(async () => {
    dataDirectory = await mkdtemp(join(tmpdir(), 'ragbot-platforms-'));
    slack = await new FakeSlackWebApi({ token: 'xoxb-serve-test', teamId: 'T0ACME', botUserId: 'U0RAGBOT', botId: 'B0RAGBOT' }).start();
    slack.addChannel({ id: 'C0GENERAL', name: 'general', kind: 'public', members: ['U0ALICE', 'U0RAGBOT'] });
    connector = await new FakeBotConnector().start();
    serve = await startServeProcess({
      RAGBOT_DATA_DIR: dataDirectory, RAGBOT_TENANT: 'T0ACME',
      SLACK_BOT_TOKEN: 'xoxb-serve-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl,
    });
  }, 90_000);
  afterAll(async () => {
    await serve?.stop();
    await slack?.close();
    await connector?.close();
    await rm(dataDirectory, { recursive: true, force: true });
  });

  it('answers a signed Slack mention in its thread, with sources', async () => {
    const body = await readFile(join(root, 'adapters/slack/__fixtures__/app-mention.json'), 'utf8');
    const response = await fetch(`${serve.url}/slack/events`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...signSlackRequest(SIGNING_SECRET, body) }, body,
    });
    expect(response.status).toBe(200);
    const posted = await eventually(() => slack.calls('chat.postMessage').find((call) => call.thread_ts === '1767225600.000100'));
    expect(String(posted.text)).toMatch(/drain/i);
    expect(JSON.stringify(posted.blocks)).toContain('runbooks');
  });

  it('refuses an unsigned Slack request with 401', async () => {
    const response = await fetch(`${serve.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(401);
  });

  it('answers a Teams message (emulator mode) with a cited reply at the connector', async () => {
    const response = await fetch(`${serve.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message', id: 'activity-serve-1', channelId: 'msteams', serviceUrl: connector.url, timestamp: new Date().toISOString(),
        from: { id: '29:alice', name: 'Alice', aadObjectId: 'alice' }, recipient: { id: '28:ragbot', name: 'ragbot' },
        conversation: { id: 'a:personal-alice', conversationType: 'personal' }, text: 'what vlan do branch offices use for voice?',
      }),
    });
    expect(response.status).toBeLessThan(300);
    const reply = await eventually(() => connector.sent.find((sent) => sent.kind === 'reply' || sent.kind === 'send'));
    expect(String(reply.activity.text)).toMatch(/\[1\]/);
    expect(JSON.stringify(reply.activity.entities)).toContain('VLAN numbering');
    expect(JSON.stringify(reply.activity.entities)).toContain('AIGeneratedContent');
  });
});
