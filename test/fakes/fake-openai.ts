import type { ServerResponse } from 'node:http';
import { FakeHttpServer, isGone, objectBody, openEventStream, type RouteContext } from './fake-http-server.js';
import { contentText, countTokens, fakeId, hashEmbedding, lastUserText, splitIntoPieces, truncateToTokens } from './fake-model-text.js';

/**
 * A fake of the two OpenAI endpoints ragbot uses, on the wire format of the `openai` SDK
 * (POST /v1/embeddings, POST /v1/chat/completions with and without SSE streaming).
 */

export type OpenAIChatMessage = { role: string; content?: unknown; [key: string]: unknown };
export type OpenAIChatRequest = Record<string, unknown> & { model: string; messages: OpenAIChatMessage[] };

export type FakeOpenAIOptions = {
  /** Embedding of one input text; defaults to a hash of its words (`hashEmbedding`). */
  embed?: (text: string) => number[];
  /** The assistant's reply; defaults to one that quotes the last user message. */
  reply?: (messages: OpenAIChatMessage[], request: OpenAIChatRequest) => string;
  /** Dimensions of the default embedding when the request has no `dimensions` (default 64). */
  dimensions?: number;
  /** When set, only `Authorization: Bearer <apiKey>` is accepted; otherwise any bearer token is. */
  apiKey?: string;
};

export type FakeOpenAI = FakeHttpServer & { readonly dimensions: number };

export const defaultOpenAIReply = (messages: OpenAIChatMessage[]): string => `Fake answer to: ${lastUserText(messages)}`;

/** OpenAI's error JSON: `{ error: { message, type, param, code } }`; the SDK reads `error.*` into its APIError. */
export const openAIErrorBody = (status: number, message: string, code: string | null = null, param: string | null = null) => {
  const type =
    status === 429 ? 'requests'
    : status >= 500 ? 'server_error'
    : 'invalid_request_error';
  const defaultCode = status === 429 ? 'rate_limit_exceeded' : status === 401 ? 'invalid_api_key' : null;
  return { error: { message, type, param, code: code ?? defaultCode } };
};

export const startFakeOpenAI = async (options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> => {
  const dimensions = options.dimensions ?? 64;
  const server = new FakeHttpServer({
    errorBody: (status, message) => openAIErrorBody(status, message),
    responseHeaders: () => ({ 'x-request-id': fakeId('req_') }),
    guard: (context) => {
      const authorization = context.headers.authorization;
      const token = typeof authorization === 'string' && authorization.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : '';
      if (token === '') {
        server.send(context.res, 401, openAIErrorBody(401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", null));
        return true;
      }
      if (options.apiKey !== undefined && token !== options.apiKey) {
        server.send(context.res, 401, openAIErrorBody(401, `Incorrect API key provided: ${token.slice(0, 3)}***. You can find your API key at https://platform.openai.com/account/api-keys.`));
        return true;
      }
      return false;
    },
  });
  const badRequest = (context: RouteContext, message: string, param: string | null = null): void =>
    server.send(context.res, 400, openAIErrorBody(400, message, null, param));

  server.route('POST', '/v1/embeddings', (context) => {
    const body = objectBody(context.body);
    if (!body) return badRequest(context, 'We could not parse the JSON body of your request.');
    if (typeof body.model !== 'string') return badRequest(context, 'you must provide a model parameter', 'model');
    const inputs = toInputTexts(body.input);
    if (!inputs || inputs.length === 0 || inputs.some((text) => text === '')) {
      return badRequest(context, "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", 'input');
    }
    const requestedDimensions = typeof body.dimensions === 'number' ? body.dimensions : dimensions;
    const format = body.encoding_format ?? 'float';
    if (format !== 'float' && format !== 'base64') return badRequest(context, `'${String(format)}' is not one of ['float', 'base64'] - 'encoding_format'`, 'encoding_format');
    const promptTokens = inputs.reduce((sum, text) => sum + countTokens(text), 0);
    const data = inputs.map((text, index) => {
      const vector = options.embed ? options.embed(text) : hashEmbedding(text, requestedDimensions);
      // The SDK asks for base64 unless told otherwise and decodes it as little-endian float32.
      const embedding = format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector.map((value) => Math.fround(value));
      return { object: 'embedding', index, embedding };
    });
    server.send(context.res, 200, { object: 'list', data, model: body.model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } });
  });

  server.route('POST', '/v1/chat/completions', (context) => {
    const body = objectBody(context.body);
    if (!body) return badRequest(context, 'We could not parse the JSON body of your request.');
    if (typeof body.model !== 'string') return badRequest(context, 'you must provide a model parameter', 'model');
    if (!Array.isArray(body.messages) || body.messages.length === 0) return badRequest(context, "[] is too short - 'messages'", 'messages');
    const request = body as OpenAIChatRequest;
    const maxTokens = [body.max_completion_tokens, body.max_tokens].find((value): value is number => typeof value === 'number');
    const full = (options.reply ?? defaultOpenAIReply)(request.messages, request);
    const { text, truncated } = truncateToTokens(full, maxTokens);
    const promptTokens = request.messages.reduce((sum, message) => sum + countTokens(contentText(message.content)), 0);
    const completionTokens = splitIntoPieces(text).length;
    const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
    const finishReason = truncated ? 'length' : 'stop';
    const base = { id: fakeId('chatcmpl-'), created: Math.floor(Date.now() / 1000), model: request.model, system_fingerprint: 'fp_fake' };

    if (body.stream === true) {
      const includeUsage = objectBody(body.stream_options)?.include_usage === true;
      return streamChat(server, context.res, base, text, finishReason, includeUsage ? usage : undefined);
    }
    server.send(context.res, 200, {
      ...base,
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null, annotations: [] }, logprobs: null, finish_reason: finishReason }],
      usage,
      service_tier: 'default',
    });
  });

  await server.start();
  return Object.assign(server, { dimensions });
};

/**
 * Chunks as OpenAI streams them: a role chunk, one chunk per piece, a chunk with `finish_reason`, then
 * (with `stream_options.include_usage`) a usage chunk with empty `choices`, then `data: [DONE]`.
 * With include_usage every other chunk carries `usage: null`, as the service does.
 */
const streamChat = (
  server: FakeHttpServer,
  res: ServerResponse,
  base: Record<string, unknown>,
  text: string,
  finishReason: string,
  usage: Record<string, number> | undefined,
): void => {
  openEventStream(res, server.responseHeaders());
  const write = (chunk: unknown): void => {
    if (!isGone(res)) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
  };
  const chunk = (delta: Record<string, unknown>, finish: string | null) => ({
    ...base,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(usage ? { usage: null } : {}),
  });
  write(chunk({ role: 'assistant', content: '', refusal: null }, null));
  for (const piece of splitIntoPieces(text)) write(chunk({ content: piece }, null));
  write(chunk({}, finishReason));
  if (usage) write({ ...base, object: 'chat.completion.chunk', choices: [], usage });
  if (!isGone(res)) res.end('data: [DONE]\n\n');
};

/** `input` may be a string, an array of strings, or token arrays (which are embedded as their digits). */
const toInputTexts = (input: unknown): string[] | undefined => {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input)) return undefined;
  if (input.every((item) => typeof item === 'number')) return [input.join(' ')];
  if (input.every((item) => typeof item === 'string')) return input as string[];
  if (input.every((item) => Array.isArray(item))) return (input as unknown[][]).map((tokens) => tokens.join(' '));
  return undefined;
};
