import { ClaimsIdentity, type ServiceClientCredentialsFactory } from 'botframework-connector';
import { describe, expect, it } from 'vitest';
import { TeamsBotFrameworkAuthentication } from './teams-authentication.js';

const APP_ID = '6a1f4a52-7d3c-4e0b-9a51-2c1b7f3e9d10';
const identity = (appId: string) => new ClaimsIdentity([{ type: 'aud', value: appId }, { type: 'appid', value: appId }, { type: 'ver', value: '1.0' }], true);
// Credentials for any app: what is cached must not depend on them.
const anyApp = {
  isValidAppId: async () => true,
  isAuthenticationDisabled: async () => false,
  createCredentials: async () => ({ signRequest: async (resource: unknown) => resource }),
} as unknown as ServiceClientCredentialsFactory;
const authentication = () => new TeamsBotFrameworkAuthentication({ MicrosoftAppId: APP_ID }, anyApp);

describe('Teams authentication', () => {
  it('builds one connector client per identity, service URL and audience, and reuses it for every turn', async () => {
    const auth = authentication();
    const first = await auth.createConnectorFactory(identity(APP_ID)).create('http://127.0.0.1:3978/', 'https://api.botframework.com');
    const again = await auth.createConnectorFactory(identity(APP_ID)).create('http://127.0.0.1:3978/', 'https://api.botframework.com');
    expect(again).toBe(first);
    const elsewhere = await auth.createConnectorFactory(identity(APP_ID)).create('http://127.0.0.1:3979/', 'https://api.botframework.com');
    expect(elsewhere).not.toBe(first);
    const otherApp = '0b1e5c3d-0000-4000-8000-000000000001';
    const otherIdentity = await auth.createConnectorFactory(identity(otherApp)).create('http://127.0.0.1:3978/', 'https://api.botframework.com');
    expect(otherIdentity).not.toBe(first);
  });

  it('builds one user-token client per identity', async () => {
    const auth = authentication();
    expect(await auth.createUserTokenClient(identity(APP_ID))).toBe(await auth.createUserTokenClient(identity(APP_ID)));
  });
});
