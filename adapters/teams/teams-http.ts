import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBodyWithin } from '../shared/read-body.js';

/**
 * The HTTP side of `/api/messages` over node:http: reading an activity (CloudAdapter throws on
 * some bodies before authenticating them, so they are refused here) and the Express-like response
 * CloudAdapter writes to.
 */

const MAX_BODY_BYTES = 1024 * 1024;

export const readActivity = async (request: IncomingMessage): Promise<{ ok: true; value: Record<string, unknown> } | { ok: false; status: number; error: string }> => {
  const body = await readBodyWithin(request, MAX_BODY_BYTES);
  if (!body) return { ok: false, status: 413, error: 'activity too large' };
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    // CloudAdapter.process throws (a 500, before authentication) on an activity without a type.
    const typed = typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { type?: unknown }).type === 'string';
    if (typed && (value as { type: string }).type !== '') return { ok: true, value: value as Record<string, unknown> };
  } catch {
    // fall through
  }
  return { ok: false, status: 400, error: 'expected a JSON activity' };
};

export const sendJson = (response: ServerResponse, status: number, body: unknown) => {
  if (response.headersSent) return;
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
};

/** The Express-like response CloudAdapter.process writes to, over node:http. */
export const responseShim = (response: ServerResponse) => {
  let status = 200;
  let body: unknown;
  return {
    socket: response.socket,
    status(code: number) {
      status = code;
      return this;
    },
    header(name: string, value: unknown) {
      response.setHeader(name, String(value));
      return this;
    },
    send(value: unknown) {
      body = value;
      return this;
    },
    end() {
      // Error bodies are CloudAdapter's exception messages: not for the caller.
      if (status === 401) return sendJson(response, 401, { error: 'unauthorized' });
      if (status >= 500) return sendJson(response, status, { error: 'internal error' });
      if (body === undefined || body === null) {
        response.writeHead(status);
        response.end();
        return;
      }
      if (typeof body === 'string') {
        response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
        response.end(body);
        return;
      }
      sendJson(response, status, body);
    },
  };
};
