import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/ports/logger.js';
import { createBackgroundWork } from '../shared/background-work.js';
import { createSlackAdapter } from './index.js';
import { fromEnvironment } from './slack-config.js';

const SECRET = '8f742231b10e8888abcd99b1c0ffee42';

describe('the Slack configuration', () => {
  it('is off when no Slack variable is set', () => {
    expect(fromEnvironment({ PORT: '3000' })).toBeUndefined();
  });

  it('reads tokens, the signing secret and an API URL', () => {
    expect(fromEnvironment({ SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: 'http://127.0.0.1:9000/api' })).toEqual({
      botToken: 'xoxb-1-2-abc', signingSecret: SECRET, apiUrl: 'http://127.0.0.1:9000/api/',
    });
    expect(fromEnvironment({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: SECRET, SLACK_APP_TOKEN: 'xapp-1-A1-2-def' })).toMatchObject({ appToken: 'xapp-1-A1-2-def' });
  });

  it('names every variable that is missing or wrong, at once', () => {
    expect(() => fromEnvironment({ SLACK_BOT_TOKEN: 'xapp-wrong', SLACK_APP_TOKEN: 'xoxb-wrong', SLACK_API_URL: 'not a url' })).toThrow(
      /SLACK_BOT_TOKEN: must be the bot token.*\n.*SLACK_SIGNING_SECRET: is missing\n.*SLACK_APP_TOKEN: must be an app-level token.*\n.*SLACK_API_URL: must be a URL/,
    );
  });
});

describe('the Slack adapter’s transport', () => {
  const options = { services: () => ({}) as never, logger: silentLogger, background: createBackgroundWork(() => undefined) };

  it('serves Bolt’s HTTP receiver on POST /slack/events', async () => {
    const adapter = createSlackAdapter({ ...options, config: { botToken: 'xoxb-1', signingSecret: SECRET, apiUrl: 'http://127.0.0.1:9/api/' } });
    expect(adapter.routes.map(({ method, path }) => `${method} ${path}`)).toEqual(['POST /slack/events']);
    expect(adapter.start).toBeUndefined();
    await adapter.stop();
  });

  it('uses Socket Mode, with no HTTP route, when an app token is set', () => {
    const adapter = createSlackAdapter({ ...options, config: { botToken: 'xoxb-1', signingSecret: SECRET, appToken: 'xapp-1-A1-2-def' } });
    expect(adapter.routes).toEqual([]);
    expect(adapter.start).toBeTypeOf('function');
  });
});
