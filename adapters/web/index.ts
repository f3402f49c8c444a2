import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Answer } from '../../src/core/answer.js';
import type { ChatServices } from '../../src/core/conversation/chat-services.js';
import { rateLimitedText } from '../../src/core/conversation/handle-question.js';
import type { PlatformAdapter } from '../shared/platform-adapter.js';
import { readJsonBody } from './read-body.js';
import { WEB_PAGE } from './web-page.js';

const askSchema = z.strictObject({ question: z.string().max(4_000) });
const feedbackSchema = z.strictObject({ answerId: z.string().min(1).max(100), reaction: z.string().min(1).max(64), added: z.boolean().default(true) });

const send = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
};

const visitorOf = (cookie: string | undefined) => /(?:^|;\s*)ragbot_visitor=([A-Za-z0-9-]{8,64})/.exec(cookie ?? '')?.[1];

/**
 * The third thin adapter: a web page that asks through the same core as Slack and Teams, as a DM
 * in the local tenant; visitors belong to no channel, so only what is open to everyone is searched.
 */
export const createWebAdapter = (options: { tenantId: string; services: ChatServices }): PlatformAdapter => {
  const { services } = options;
  return {
    name: 'web',
    routes: [
      {
        method: 'GET', path: '/',
        handle: (_request, response) => {
          response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'" });
          response.end(WEB_PAGE);
        },
      },
      {
        method: 'POST', path: '/api/web/ask',
        handle: async (request, response) => {
          const body = await readJsonBody(request);
          if (!body.ok) return send(response, body.status, { error: body.error });
          const parsed = askSchema.safeParse(body.value);
          if (!parsed.success) return send(response, 400, { error: 'expected { "question": "…" }' });
          const visitor = visitorOf(request.headers.cookie) ?? randomUUID();
          response.setHeader('set-cookie', `ragbot_visitor=${visitor}; Path=/; HttpOnly; SameSite=Strict`);
          let delivered: Answer | undefined;
          const handled = await services.handleQuestion(
            {
              id: randomUUID(), platform: 'web', tenantId: options.tenantId, channel: { id: `web-${visitor}`, kind: 'dm', external: false },
              user: { id: `web-${visitor}` }, text: parsed.data.question, invocation: 'dm', history: [], receivedAt: new Date(),
            },
            async (answer) => ((delivered = answer), { messageRef: answer.id }),
          );
          if (handled.status === 'rate-limited') return send(response, 429, { error: rateLimitedText(handled.retryAfterMs) });
          if (!delivered) return send(response, 409, { error: 'already answered' });
          const { id, outcome, text, citations, scope, notices } = delivered;
          return send(response, 200, { answerId: id, outcome, text, citations, scope, notices: notices ?? [] });
        },
      },
      {
        method: 'POST', path: '/api/web/feedback',
        handle: async (request, response) => {
          const body = await readJsonBody(request);
          if (!body.ok) return send(response, body.status, { error: body.error });
          const parsed = feedbackSchema.safeParse(body.value);
          if (!parsed.success) return send(response, 400, { error: 'expected { "answerId", "reaction", "added" }' });
          const visitor = visitorOf(request.headers.cookie) ?? 'anonymous';
          const outcome = await services.handleReaction({
            platform: 'web', answerId: parsed.data.answerId, userId: `web-${visitor}`, reaction: parsed.data.reaction, added: parsed.data.added,
          });
          return send(response, outcome === 'ignored' ? 404 : 200, { outcome });
        },
      },
    ],
    stop: async () => undefined,
  };
};
