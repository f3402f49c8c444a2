import type { ServerResponse } from 'node:http';
import { FakeHttpServer, isGone, objectBody, openEventStream, type RouteContext } from './fake-http-server.js';
import { contentText, countTokens, fakeId, lastUserText, splitIntoPieces, truncateToTokens } from './fake-model-text.js';

/**
 * A fake of Anthropic's Messages API (POST /v1/messages, JSON and SSE streaming) as the
 * `@anthropic-ai/sdk` client speaks it.
 */

export type AnthropicMessage = { role: string; content: unknown };
export type AnthropicMessagesRequest = Record<string, unknown> & { model: string; max_tokens: number; messages: AnthropicMessage[] };

export type FakeAnthropicOptions = {
  /** The assistant's reply; defaults to one that quotes the last user message. */
  reply?: (messages: AnthropicMessage[], request: AnthropicMessagesRequest) => string;
  /** When set, only this key is accepted (in `x-api-key` or `Authorization: Bearer`); otherwise any key is. */
  apiKey?: string;
};

export type FakeAnthropic = FakeHttpServer;

export const defaultAnthropicReply = (messages: AnthropicMessage[]): string => `Fake answer to: ${lastUserText(messages)}`;

const errorTypes: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

/** Anthropic's error JSON: `{ type: 'error', error: { type, message }, request_id }`. */
export const anthropicErrorBody = (status: number, message: string) => ({
  type: 'error',
  error: { type: errorTypes[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'), message },
  request_id: fakeId('req_'),
});

export const startFakeAnthropic = async (options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> => {
  const server = new FakeHttpServer({
    errorBody: (status, message) => anthropicErrorBody(status, message),
    responseHeaders: () => ({ 'request-id': fakeId('req_') }),
    guard: (context) => {
      // This SDK version sends the key as `Authorization: Bearer`; older ones and curl use `x-api-key`.
      const apiKeyHeader = context.headers['x-api-key'];
      const authorization = context.headers.authorization;
      const key =
        typeof apiKeyHeader === 'string' && apiKeyHeader !== '' ? apiKeyHeader
        : typeof authorization === 'string' && authorization.startsWith('Bearer ') ? authorization.slice('Bearer '.length)
        : '';
      if (key === '') return deny(context, 401, 'x-api-key header is required');
      if (options.apiKey !== undefined && key !== options.apiKey) return deny(context, 401, 'invalid x-api-key');
      if (!context.headers['anthropic-version']) return deny(context, 400, 'anthropic-version: header is required');
      return false;
    },
  });
  const deny = (context: RouteContext, status: number, message: string): true => {
    server.send(context.res, status, anthropicErrorBody(status, message));
    return true;
  };

  server.route('POST', '/v1/messages', (context) => {
    const body = objectBody(context.body);
    if (!body) return void deny(context, 400, 'There was an issue with the format of your request: invalid JSON');
    if (typeof body.model !== 'string') return void deny(context, 400, 'model: Field required');
    if (typeof body.max_tokens !== 'number') return void deny(context, 400, 'max_tokens: Field required');
    if (!Array.isArray(body.messages) || body.messages.length === 0) return void deny(context, 400, 'messages: at least one message is required');
    const request = body as AnthropicMessagesRequest;
    const { text, truncated } = truncateToTokens((options.reply ?? defaultAnthropicReply)(request.messages, request), request.max_tokens);
    const inputTokens = countTokens(contentText(body.system)) + request.messages.reduce((sum, message) => sum + countTokens(contentText(message.content)), 0);
    const outputTokens = splitIntoPieces(text).length;
    const stopReason = truncated ? 'max_tokens' : 'end_turn';
    const message = {
      id: fakeId('msg_'),
      type: 'message',
      role: 'assistant',
      model: request.model,
      content: [{ type: 'text', text, citations: null }],
      stop_reason: stopReason,
      stop_sequence: null,
      stop_details: null,
      container: null,
      usage: { input_tokens: inputTokens, output_tokens: outputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, service_tier: 'standard' },
    };
    if (body.stream === true) return streamMessage(server, context.res, message, text, stopReason);
    server.send(context.res, 200, message);
  });

  await server.start();
  return server;
};

/**
 * The event sequence of a streamed message: message_start (empty content, usage so far), then per
 * content block content_block_start / content_block_delta (text_delta) / content_block_stop, a ping,
 * message_delta with the stop reason and the final usage, message_stop. Every frame is named with
 * `event:`, since the SDK skips frames without an event name.
 */
const streamMessage = (server: FakeHttpServer, res: ServerResponse, message: Record<string, unknown> & { usage: Record<string, unknown> }, text: string, stopReason: string): void => {
  openEventStream(res, server.responseHeaders());
  const send = (event: string, data: Record<string, unknown>): void => {
    if (!isGone(res)) res.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
  };
  send('message_start', { message: { ...message, content: [], stop_reason: null, usage: { ...message.usage, output_tokens: 1 } } });
  send('content_block_start', { index: 0, content_block: { type: 'text', text: '', citations: null } });
  send('ping', {});
  for (const piece of splitIntoPieces(text)) send('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } });
  send('content_block_stop', { index: 0 });
  const { input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens } = message.usage;
  send('message_delta', {
    delta: { stop_reason: stopReason, stop_sequence: null, stop_details: null, container: null },
    usage: { input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens },
  });
  send('message_stop', {});
  if (!isGone(res)) res.end();
};
