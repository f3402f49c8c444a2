import type { IncomingMessage } from 'node:http';
import { readBodyWithin } from '../shared/read-body.js';

export const MAX_BODY_BYTES = 64 * 1024;

/** The request body as JSON, refusing oversize bodies and malformed JSON with a specific reason. */
export const readJsonBody = async (request: IncomingMessage): Promise<{ ok: true; value: unknown } | { ok: false; status: number; error: string }> => {
  const body = await readBodyWithin(request, MAX_BODY_BYTES);
  if (!body) return { ok: false, status: 413, error: `request body over ${MAX_BODY_BYTES} bytes` };
  if (!(request.headers['content-type'] ?? '').includes('application/json')) {
    return { ok: false, status: 415, error: 'expected content-type application/json' };
  }
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) };
  } catch {
    return { ok: false, status: 400, error: 'malformed JSON' };
  }
};
