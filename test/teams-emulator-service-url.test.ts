import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Logger } from '../src/core/ports/logger.js';
import { QUESTIONS } from './parity/bot-under-test.js';
import { channelMessage, installedInTeam, personalMessage, startTeamsStack, type TeamsStack } from './parity/teams-stack.js';

/**
 * Emulator mode (no MicrosoftAppId) authenticates nothing, so it must not POST to whatever
 * `serviceUrl` an activity names. Every outbound `fetch` to a host other than this machine is
 * refused by a spy here, so the test never connects anywhere even if the check regresses.
 */
const FOREIGN_SERVICE_URL = 'http://10.255.255.1:3978';
const REFUSAL = /only accepts activities whose serviceUrl is a loopback address/;

let stack: TeamsStack | undefined;
let foreignCalls: string[];
let warnings: { fields: Record<string, unknown>; message?: string }[];
const logger: Logger = {
  info: () => undefined, error: () => undefined, debug: () => undefined, child: () => logger,
  warn: (fields, message) => void warnings.push({ fields, ...(message ? { message } : {}) }),
};

beforeEach(() => {
  foreignCalls = [];
  warnings = [];
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.hostname !== '127.0.0.1') {
      foreignCalls.push(url.href);
      return Promise.reject(new TypeError(`test: no connection to ${url.host}`));
    }
    return realFetch(input, init);
  });
});
afterEach(async () => {
  await stack?.close();
  stack = undefined;
  vi.restoreAllMocks();
});

const refusalWarnings = () => warnings.filter((warning) => /serviceUrl is not a loopback address/.test(warning.message ?? ''));

describe('Teams emulator mode and the serviceUrl it replies to', () => {
  it('refuses a question naming a non-loopback serviceUrl with 403, before any outbound call or background work', async () => {
    stack = await startTeamsStack({ logger });
    const response = await stack.send({ ...personalMessage({ from: 'bob', text: QUESTIONS.runbooks }), serviceUrl: FOREIGN_SERVICE_URL }, { token: null });
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toEqual({ error: expect.stringMatching(REFUSAL) });
    expect(stack.background.pending).toBe(0); // nothing was even scheduled
    await stack.settle();
    expect(foreignCalls).toEqual([]);
    expect(stack.connector.sent).toEqual([]);
    expect(stack.errors).toEqual([]);
    expect(refusalWarnings()).toEqual([{ fields: { mode: 'emulator', serviceUrlHost: '10.255.255.1:3978' }, message: expect.any(String) }]);
  });

  it.each([
    ['a channel mention', () => channelMessage({ from: 'bob', channel: 'netops', text: QUESTIONS.runbooks })],
    ['an installation (which would register the connector for roster calls)', () => installedInTeam('netops')],
  ])('refuses %s naming a public connector, or no URL at all', async (_case, activity) => {
    stack = await startTeamsStack({ logger });
    for (const serviceUrl of ['https://smba.trafficmanager.net/amer/', 'http://127.0.0.1.example.com/', 'not a url', undefined]) {
      const response = await stack.send({ ...activity(), serviceUrl }, { token: null });
      expect(response.status).toBe(403);
    }
    await stack.settle();
    expect(foreignCalls).toEqual([]);
    expect(stack.connector.sent).toEqual([]);
    expect(refusalWarnings()).toHaveLength(4); // one per request
  });

  it('answers a question whose serviceUrl is the loopback connector', async () => {
    stack = await startTeamsStack({ logger });
    const message = personalMessage({ from: 'bob', text: QUESTIONS.runbooks });
    expect(stack.connector.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await stack.send(message, { token: null })).status).toBe(200);
    await stack.settle();
    expect(stack.connector.replies().map((reply) => reply.targetId)).toEqual([message.id]);
    expect(foreignCalls).toEqual([]);
    expect(refusalWarnings()).toEqual([]);
  });
});
