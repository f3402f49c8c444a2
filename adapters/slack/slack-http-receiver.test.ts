import { App, LogLevel, type Logger } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { signSlackRequest } from '../../test/support/slack-signing.js';
import { earlyAck } from './index.js';
import { LOOKING_UP } from './slack-commands.js';
import { SlackHttpReceiver } from './slack-http-receiver.js';

const SECRET = 'receiver-test-secret';
const silent: Logger = {
  debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined,
  setLevel: () => undefined, getLevel: () => LogLevel.ERROR, setName: () => undefined,
};

/** What the receiver wrote: the status, the body, and when (relative to the listeners). */
class RecordedResponse {
  status?: number;
  body = '';
  headersSent = false;
  writeHead(status: number) {
    if (this.headersSent) throw new Error('headers written twice');
    this.status = status;
    this.headersSent = true;
    return this;
  }
  end(body?: string) {
    this.body = body ?? '';
    return this;
  }
}

const setUp = () => {
  const deferred: (() => Promise<unknown>)[] = [];
  const receiver = new SlackHttpReceiver({ signingSecret: SECRET, logger: silent, earlyAck, defer: (task) => deferred.push(task) });
  const app = new App({ receiver, authorize: async () => ({ botToken: 'xoxb-test', botUserId: 'U0BOT' }), logger: silent, convoStore: false });
  const seen: string[] = [];
  app.command('/ask', async ({ command, ack }) => {
    seen.push(`ask:${command.text}`);
    await ack({ text: 'the listener’s own ack' });
  });
  app.event('app_mention', async ({ event }) => {
    seen.push(`mention:${event.text}`);
  });
  const send = async (body: string, contentType: string, signed = true) => {
    const response = new RecordedResponse();
    const request = { headers: { 'content-type': contentType, ...(signed ? signSlackRequest(SECRET, body) : {}) }, rawBody: Buffer.from(body) };
    await receiver.handle(request as never, response as never);
    return response;
  };
  const runDeferred = async () => {
    for (const task of deferred.splice(0)) await task();
  };
  return { send, seen, deferred, runDeferred };
};

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const askBody = (text: string) =>
  form({ command: '/ask', text, team_id: 'T0TEAM', channel_id: 'C0CHAN', user_id: 'U0USER', trigger_id: 't-1', response_url: 'http://127.0.0.1:9/response' });

describe('the Slack HTTP receiver', () => {
  it('acknowledges /ask before Bolt runs any listener, then hands it to Bolt as deferred work; the listener’s ack sends nothing more', async () => {
    const { send, seen, deferred, runDeferred } = setUp();
    const response = await send(askBody('how do I drain a haproxy backend?'), 'application/x-www-form-urlencoded');
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ response_type: 'ephemeral', text: LOOKING_UP });
    expect(seen).toEqual([]);
    expect(deferred).toHaveLength(1);
    await runDeferred();
    expect(seen).toEqual(['ask:how do I drain a haproxy backend?']);
    expect(JSON.parse(response.body).text).toBe(LOOKING_UP);
  });

  it('acknowledges an Events API callback with an empty 200 before its listener runs', async () => {
    const { send, seen, runDeferred } = setUp();
    const body = JSON.stringify({ type: 'event_callback', team_id: 'T0TEAM', event_id: 'Ev1', event: { type: 'app_mention', text: 'hello', user: 'U0USER', channel: 'C0CHAN', ts: '1.000001' } });
    const response = await send(body, 'application/json');
    expect([response.status, response.body, seen]).toEqual([200, '', []]);
    await runDeferred();
    expect(seen).toEqual(['mention:hello']);
  });

  it('refuses an unsigned request with 401 and defers nothing', async () => {
    const { send, deferred } = setUp();
    const response = await send(askBody('anything'), 'application/x-www-form-urlencoded', false);
    expect(response.status).toBe(401);
    expect(deferred).toHaveLength(0);
  });

  it('answers 400 to signed bodies that are not a Slack payload (null, an array, broken JSON)', async () => {
    const { send, deferred } = setUp();
    for (const body of ['null', '[1,2]', '{"type":']) expect((await send(body, 'application/json')).status, body).toBe(400);
    expect(deferred).toHaveLength(0);
  });

  it('answers 404 at once to a payload no listener takes, instead of holding it for Bolt’s 3-second timer', async () => {
    const { send, seen } = setUp();
    const body = form({ payload: JSON.stringify({ type: 'block_actions', team: { id: 'T0TEAM' }, user: { id: 'U0USER' }, actions: [{ action_id: 'nobody', block_id: 'b' }] }) });
    const response = await send(body, 'application/x-www-form-urlencoded');
    expect(response.status).toBe(404);
    expect(seen).toEqual([]);
  });

  it('answers Slack’s url_verification challenge', async () => {
    const { send } = setUp();
    const response = await send(JSON.stringify({ type: 'url_verification', challenge: 'c-123' }), 'application/json');
    expect([response.status, JSON.parse(response.body)]).toEqual([200, { challenge: 'c-123' }]);
  });

  it('answers Slack’s unsigned SSL check with 200 and processes nothing it carries', async () => {
    const { send, deferred, seen } = setUp();
    const response = await send(`ssl_check=1&${askBody('smuggled')}`, 'application/x-www-form-urlencoded', false);
    expect(response.status).toBe(200);
    expect([deferred.length, seen]).toEqual([0, []]);
  });

  it('reads a form body whose content type carries parameters, and checks the signature over the exact bytes', async () => {
    const { send, deferred } = setUp();
    expect((await send(askBody('with a charset'), 'application/x-www-form-urlencoded; charset=utf-8')).status).toBe(200);
    expect(deferred).toHaveLength(1);
    const body = askBody('signed');
    const response = new RecordedResponse();
    const receiver = new SlackHttpReceiver({ signingSecret: SECRET, logger: silent, earlyAck, defer: () => undefined });
    const tampered = { headers: { 'content-type': 'application/x-www-form-urlencoded', ...signSlackRequest(SECRET, body) }, rawBody: Buffer.from(body.replace('signed', 'signeD')) };
    await receiver.handle(tampered as never, response as never);
    expect(response.status).toBe(401);
  });
});
