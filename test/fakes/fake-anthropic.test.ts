import Anthropic from '@anthropic-ai/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from './fake-anthropic.js';

/** The fake, driven by the real `@anthropic-ai/sdk`, with SDK retries off so request counts are exact. */
describe('fake Anthropic', () => {
  let fake: FakeAnthropic;
  let client: Anthropic;
  beforeAll(async () => {
    fake = await startFakeAnthropic({ reply: (messages) => `Per the runbook: ${String(messages.at(-1)?.content)}.` });
    client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: fake.url, maxRetries: 0 });
  });
  afterEach(() => {
    fake.clearFaults();
    fake.clearRequests();
  });
  afterAll(() => fake.close());

  const ask = (content = 'drain the backend', maxTokens = 256) =>
    client.messages.create({ model: 'claude-sonnet-5-5', max_tokens: maxTokens, system: 'Cite sources.', messages: [{ role: 'user', content }] });

  it('answers a message as JSON with text content, stop_reason and usage', async () => {
    const message = await ask();
    expect(message.type).toBe('message');
    expect(message.role).toBe('assistant');
    expect(message.content).toEqual([{ type: 'text', text: 'Per the runbook: drain the backend.', citations: null }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toMatchObject({ input_tokens: 6, output_tokens: 6 }); // system and messages count
  });

  it('receives the headers the SDK sends: anthropic-version and the key as a bearer token', async () => {
    await ask();
    const headers = fake.requests[0]?.headers ?? {};
    expect(headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(headers.authorization).toBe('Bearer sk-ant-test');
  });

  it('stops at max_tokens with stop_reason "max_tokens"', async () => {
    const message = await ask('drain the backend', 2);
    expect(message.content[0]).toMatchObject({ text: 'Per the' });
    expect(message.stop_reason).toBe('max_tokens');
  });

  it('streams the documented event sequence, text deltas and final usage', async () => {
    const stream = await client.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 256, messages: [{ role: 'user', content: 'drain it' }], stream: true });
    const types: string[] = [];
    let text = '';
    let outputTokens: number | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
      if (event.type === 'message_delta') outputTokens = event.usage.output_tokens;
    }
    expect([...new Set(types)]).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    expect(text).toBe('Per the runbook: drain it.');
    expect(outputTokens).toBe(5);
  });

  it('works with the SDK’s MessageStream helper', async () => {
    const stream = client.messages.stream({ model: 'claude-sonnet-5-5', max_tokens: 256, messages: [{ role: 'user', content: 'drain it' }] });
    const pieces: string[] = [];
    stream.on('text', (piece) => pieces.push(piece));
    const message = await stream.finalMessage();
    expect(pieces.join('')).toBe('Per the runbook: drain it.');
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Per the runbook: drain it.' });
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toMatchObject({ input_tokens: 2, output_tokens: 5 });
  });

  it('accepts x-api-key and requires anthropic-version, answering in Anthropic’s error shape', async () => {
    const post = (headers: Record<string, string>) =>
      fetch(`${fake.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ model: 'claude-sonnet-5-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
      });
    expect((await post({ 'x-api-key': 'k', 'anthropic-version': '2023-06-01' })).status).toBe(200);
    const missingVersion = await post({ 'x-api-key': 'k' });
    expect(missingVersion.status).toBe(400);
    expect(await missingVersion.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' }, request_id: expect.stringMatching(/^req_/) });
    const missingKey = await post({ 'anthropic-version': '2023-06-01' });
    expect(missingKey.status).toBe(401);
    expect(await missingKey.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });

  it('rejects a wrong key when the fake is given one', async () => {
    const strict = await startFakeAnthropic({ apiKey: 'sk-ant-right' });
    try {
      const wrong = new Anthropic({ apiKey: 'sk-ant-wrong', baseURL: strict.url, maxRetries: 0 });
      await expect(wrong.messages.create({ model: 'm', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    } finally {
      await strict.close();
    }
  });

  describe('faults, as the SDK sees them', () => {
    it('a 429 with Retry-After is a RateLimitError whose headers carry the hint; exactly one request', async () => {
      fake.failNext(1, { status: 429, retryAfter: 30 });
      const error = await ask().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Anthropic.RateLimitError);
      const rateLimit = error as InstanceType<typeof Anthropic.RateLimitError>;
      expect(rateLimit.headers.get('retry-after')).toBe('30');
      expect(rateLimit.type).toBe('rate_limit_error');
      expect(rateLimit.requestID).toMatch(/^req_/);
      expect(fake.count('/v1/messages')).toBe(1);
    });

    it('500, 503 and 529 are InternalServerErrors (503 and 529 as their subclasses); 400 is a BadRequestError', async () => {
      for (const status of [500, 503, 529, 400]) fake.failNext(1, { status });
      await expect(ask()).rejects.toSatisfy((error) => error instanceof Anthropic.InternalServerError && error.status === 500);
      await expect(ask()).rejects.toBeInstanceOf(Anthropic.ServiceUnavailableError);
      await expect(ask()).rejects.toSatisfy((error) => error instanceof Anthropic.OverloadedError && error.type === 'overloaded_error');
      await expect(ask()).rejects.toBeInstanceOf(Anthropic.BadRequestError);
      expect(fake.count('/v1/messages')).toBe(4);
    });

    it('a response slower than the client timeout is an APIConnectionTimeoutError', async () => {
      fake.delayNext(1, 1_000);
      const impatient = new Anthropic({ apiKey: 'sk-ant-test', baseURL: fake.url, maxRetries: 0, timeout: 100 });
      await expect(impatient.messages.create({ model: 'm', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
      expect(fake.count()).toBe(1);
    });

    it('a connection reset is an APIConnectionError (not a timeout)', async () => {
      fake.resetNext(1);
      const error = await ask().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Anthropic.APIConnectionError);
      expect(error).not.toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
      expect(fake.count()).toBe(1);
    });

    it('a fault on a streaming request surfaces when the stream is opened', async () => {
      fake.failNext(1, { status: 529 });
      const opening = client.messages.create({ model: 'm', max_tokens: 8, messages: [{ role: 'user', content: 'x' }], stream: true });
      await expect(opening).rejects.toBeInstanceOf(Anthropic.OverloadedError);
      expect(fake.count()).toBe(1);
    });
  });
});
