import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hashEmbedding } from './fake-model-text.js';
import { startFakeOpenAI, type FakeOpenAI } from './fake-openai.js';

/** The fake, driven by the real `openai` SDK, with SDK retries off so request counts are exact. */
describe('fake OpenAI', () => {
  let fake: FakeOpenAI;
  let client: OpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI({ dimensions: 32, reply: (messages) => `You said: ${String(messages.at(-1)?.content)}. Noted.` });
    client = new OpenAI({ apiKey: 'sk-test', baseURL: `${fake.url}/v1`, maxRetries: 0 });
  });
  afterEach(() => {
    fake.clearFaults();
    fake.clearRequests();
  });
  afterAll(() => fake.close());

  const embed = (options: Partial<OpenAI.EmbeddingCreateParams> = {}) =>
    client.embeddings.create({ model: 'text-embedding-3-small', input: ['drain the haproxy backend', 'vlan 110'], ...options });
  const chat = (content = 'how do I drain a backend?') =>
    client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });

  describe('embeddings', () => {
    it('answers the SDK default (base64), which the SDK decodes to the same float32 numbers', async () => {
      const response = await embed();
      expect(fake.requests[0]?.body).toMatchObject({ encoding_format: 'base64' });
      expect(response.data.map((item) => item.index)).toEqual([0, 1]);
      expect(response.data[0]?.embedding).toEqual(hashEmbedding('drain the haproxy backend', 32));
      expect(response.data[1]?.embedding).toHaveLength(32);
      expect(response.usage).toEqual({ prompt_tokens: 6, total_tokens: 6 });
      expect(response.model).toBe('text-embedding-3-small');
    });

    it('answers float arrays when asked, equal to the base64 answer, and honours `dimensions`', async () => {
      const asFloat = await embed({ encoding_format: 'float' });
      const asBase64 = await embed();
      expect(asFloat.data[0]?.embedding).toEqual(asBase64.data[0]?.embedding);
      const small = await embed({ encoding_format: 'float', dimensions: 8 });
      expect(small.data[0]?.embedding).toHaveLength(8);
    });

    it('rejects an empty input as a bad request', async () => {
      await expect(embed({ input: '' })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    });
  });

  describe('chat completions', () => {
    it('answers JSON with the reply, finish_reason and token usage', async () => {
      const completion = await chat('drain it');
      expect(completion.object).toBe('chat.completion');
      expect(completion.choices[0]?.message).toMatchObject({ role: 'assistant', content: 'You said: drain it. Noted.' });
      expect(completion.choices[0]?.finish_reason).toBe('stop');
      expect(completion.usage).toEqual({ prompt_tokens: 2, completion_tokens: 5, total_tokens: 7 });
    });

    it('cuts the reply at max_completion_tokens with finish_reason "length"', async () => {
      const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', max_completion_tokens: 2, messages: [{ role: 'user', content: 'drain it' }] });
      expect(completion.choices[0]?.message.content).toBe('You said:');
      expect(completion.choices[0]?.finish_reason).toBe('length');
    });

    it('streams the reply in chunks, then a usage chunk, ending with [DONE]', async () => {
      const stream = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'drain it' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      const finishReasons: Array<string | null | undefined> = [];
      let usage: OpenAI.CompletionUsage | null | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        finishReasons.push(chunk.choices[0]?.finish_reason);
        if (chunk.usage) usage = chunk.usage;
      }
      expect(text).toBe('You said: drain it. Noted.');
      expect(finishReasons.filter(Boolean)).toEqual(['stop']);
      expect(usage).toEqual({ prompt_tokens: 2, completion_tokens: 5, total_tokens: 7 });
    });

    it('omits the usage chunk without stream_options.include_usage', async () => {
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
      const chunks = [];
      for await (const chunk of stream) chunks.push(chunk);
      expect(chunks.every((chunk) => chunk.usage === undefined && chunk.choices.length === 1)).toBe(true);
    });
  });

  describe('authentication', () => {
    it('answers 401 in OpenAI’s error shape when the Authorization header is missing', async () => {
      const anonymous = new OpenAI({ apiKey: 'unused', baseURL: `${fake.url}/v1`, maxRetries: 0, defaultHeaders: { Authorization: null } });
      const error = await anonymous.embeddings.create({ model: 'm', input: 'x' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(error).toMatchObject({ status: 401, type: 'invalid_request_error' });
    });

    it('rejects a wrong key when the fake is given one', async () => {
      const strict = await startFakeOpenAI({ apiKey: 'sk-right' });
      try {
        const wrong = new OpenAI({ apiKey: 'sk-wrong', baseURL: `${strict.url}/v1`, maxRetries: 0 });
        await expect(wrong.embeddings.create({ model: 'm', input: 'x' })).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
        const right = new OpenAI({ apiKey: 'sk-right', baseURL: `${strict.url}/v1`, maxRetries: 0 });
        await expect(right.embeddings.create({ model: 'm', input: 'x' })).resolves.toBeDefined();
      } finally {
        await strict.close();
      }
    });
  });

  describe('faults, as the SDK sees them', () => {
    it('a 429 with Retry-After is a RateLimitError whose headers carry the hint; exactly one request', async () => {
      fake.failNext(1, { status: 429, retryAfter: 7 });
      const error = await embed().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      const rateLimit = error as InstanceType<typeof OpenAI.RateLimitError>;
      expect(rateLimit.headers.get('retry-after')).toBe('7');
      expect(rateLimit.code).toBe('rate_limit_exceeded');
      expect(rateLimit.requestID).toMatch(/^req_/);
      expect(fake.count('/v1/embeddings')).toBe(1);
      await expect(embed()).resolves.toBeDefined(); // the fault was used up
    });

    it('500 and 503 are InternalServerErrors; a 400 is a BadRequestError', async () => {
      fake.failNext(1, { status: 500 });
      fake.failNext(1, { status: 503 });
      fake.failNext(1, { status: 400, body: { error: { message: 'bad input', type: 'invalid_request_error', param: 'input', code: null } } });
      await expect(chat()).rejects.toSatisfy((error) => error instanceof OpenAI.InternalServerError && error.status === 500);
      await expect(chat()).rejects.toSatisfy((error) => error instanceof OpenAI.InternalServerError && error.status === 503);
      await expect(chat()).rejects.toSatisfy((error) => error instanceof OpenAI.BadRequestError && error.param === 'input');
      expect(fake.count('/v1/chat/completions')).toBe(3);
    });

    it('a response slower than the client timeout is an APIConnectionTimeoutError', async () => {
      fake.delayNext(1, 1_000);
      const impatient = new OpenAI({ apiKey: 'sk-test', baseURL: `${fake.url}/v1`, maxRetries: 0, timeout: 100 });
      await expect(impatient.embeddings.create({ model: 'm', input: 'x' })).rejects.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
      expect(fake.count()).toBe(1);
    });

    it('a connection reset is an APIConnectionError (not a timeout)', async () => {
      fake.resetNext(1);
      const error = await chat().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
      expect(error).not.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
      expect(fake.count()).toBe(1);
    });

    it('faults can target a path prefix', async () => {
      fake.failNext(1, { status: 500, pathPrefix: '/v1/chat' });
      await expect(embed()).resolves.toBeDefined();
      await expect(chat()).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    });

    it('with SDK retries on, the SDK obeys Retry-After and the second request succeeds', async () => {
      fake.failNext(1, { status: 429, retryAfter: 0 });
      const retrying = new OpenAI({ apiKey: 'sk-test', baseURL: `${fake.url}/v1`, maxRetries: 1 });
      await expect(retrying.embeddings.create({ model: 'm', input: 'x' })).resolves.toBeDefined();
      expect(fake.count('/v1/embeddings')).toBe(2);
      expect(fake.requests.map((request) => request.headers['x-stainless-retry-count'])).toEqual(['0', '1']);
    });
  });
});
