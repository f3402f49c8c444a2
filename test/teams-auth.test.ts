import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { botFrameworkSettings } from '../adapters/teams/teams-config.js';
import { QUESTIONS } from './parity/bot-under-test.js';
import { TEAMS_APP_ID, channelMessage, startTeamsStack, stubCredentialsFactory, type TeamsStack } from './parity/teams-stack.js';

/**
 * Inbound authentication, offline: botbuilder validates RS256 tokens against the keys a local
 * OpenID metadata endpoint publishes (`ToBotFromChannelOpenIdMetadataUrl`), as it would against
 * login.botframework.com.
 */
let stack: TeamsStack;
beforeAll(async () => {
  stack = await startTeamsStack({ auth: true });
});
afterAll(async () => {
  await stack.close();
});

const quietly = async <T>(work: () => Promise<T>): Promise<T> => {
  // CloudAdapter and jsonwebtoken print every refused token to the console.
  const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    return await work();
  } finally {
    spy.mockRestore();
  }
};

describe('Teams inbound authentication', () => {
  const question = () => channelMessage({ from: 'bob', channel: 'netops', text: QUESTIONS.runbooks });

  it('accepts a token signed by a published key, for this app and this serviceUrl', async () => {
    const token = stack.openId!.sign({ audience: TEAMS_APP_ID, serviceUrl: stack.connector.url });
    expect((await stack.send(question(), { token })).status).toBe(200);
    await stack.settle();
    expect(stack.connector.replies()).toHaveLength(1);
  });

  it.each([
    ['an expired token', () => stack.openId!.sign({ audience: TEAMS_APP_ID, serviceUrl: stack.connector.url, expiresIn: -3600 })],
    ['a token for another app', () => stack.openId!.sign({ audience: '11111111-2222-4333-8444-555555555555', serviceUrl: stack.connector.url })],
    ['a token for another serviceUrl', () => stack.openId!.sign({ audience: TEAMS_APP_ID, serviceUrl: 'https://smba.trafficmanager.net/amer/' })],
    ['a token from another issuer', () => stack.openId!.sign({ audience: TEAMS_APP_ID, serviceUrl: stack.connector.url, issuer: 'https://sts.windows.net/evil/' })],
    ['a token signed with a key the metadata does not publish', () => stack.openId!.sign({ audience: TEAMS_APP_ID, serviceUrl: stack.connector.url, key: 'unpublished' })],
    ['a token signed with another key under a published key id', () => stack.openId!.sign({ audience: TEAMS_APP_ID, serviceUrl: stack.connector.url, key: 'forged' })],
  ])('refuses %s with 401, running nothing', async (_case, token) => {
    const before = stack.connector.sent.length;
    const response = await quietly(() => stack.send(question(), { token: token() }));
    expect(response).toEqual({ status: 401, body: JSON.stringify({ error: 'unauthorized' }) });
    await stack.settle();
    expect(stack.connector.sent.length).toBe(before);
  });

  it('refuses a request without an Authorization header, or with another scheme, with 401', async () => {
    expect((await quietly(() => stack.send(question(), { token: null }))).status).toBe(401);
    expect((await quietly(() => stack.send(question(), { authorization: 'Basic dXNlcjpwYXNz' }))).status).toBe(401);
  });

  it('refuses a token whose key is not endorsed for the activity\'s channel', async () => {
    const token = stack.openId!.sign({ audience: TEAMS_APP_ID, serviceUrl: stack.connector.url });
    const response = await quietly(() => stack.send({ ...question(), channelId: 'slack' }, { token }));
    expect(response.status).toBe(401);
  });

  it('(why the adapter maps it) botbuilder alone answers 500 for a forged signature', async () => {
    const authentication = new ConfigurationBotFrameworkAuthentication(
      botFrameworkSettings(
        { mode: 'authenticated', appId: TEAMS_APP_ID, appType: 'MultiTenant', appPassword: 'unused' },
        { openIdMetadataUrl: stack.openId!.metadataUrl },
      ),
      stubCredentialsFactory(TEAMS_APP_ID),
    );
    const adapter = new CloudAdapter(authentication);
    let status = 0;
    const response = { socket: undefined, status: (code: number) => void (status = code), header: () => undefined, send: () => undefined, end: () => undefined };
    const token = stack.openId!.sign({ audience: TEAMS_APP_ID, serviceUrl: stack.connector.url, key: 'forged' });
    await quietly(() =>
      adapter.process({ method: 'POST', headers: { authorization: `Bearer ${token}` }, body: { ...question(), serviceUrl: stack.connector.url } }, response, async () => undefined),
    );
    expect(status).toBe(500);
  });
});
