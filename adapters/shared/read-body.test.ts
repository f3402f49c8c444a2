import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { readJsonBody } from '../web/read-body.js';
import { readBodyWithin } from './read-body.js';

/** A server whose one route reads the body within `limit` bytes and answers 413 or the length read. */
const serve = async (limit: number) => {
  const server = createServer(async (request, response) => {
    const body = await readBodyWithin(request, limit);
    response.writeHead(body ? 200 : 413).end(body ? String(body.length) : '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => new Promise((resolve) => server.close(resolve)) };
};

describe('reading a request body within a limit', () => {
  it('returns the whole body up to the limit, and answers an oversize one with 413 after draining it', async () => {
    const server = await serve(1024);
    try {
      const small = await fetch(server.url, { method: 'POST', body: 'x'.repeat(1024) });
      expect([small.status, await small.text()]).toEqual([200, '1024']);
      const large = await fetch(server.url, { method: 'POST', body: 'x'.repeat(200_000) });
      expect(large.status).toBe(413);
    } finally {
      await server.close();
    }
  });

  it('the web routes refuse an oversize JSON body with 413 and a reason', async () => {
    const server = createServer(async (request, response) => {
      const body = await readJsonBody(request);
      response.writeHead(body.ok ? 200 : body.status).end(body.ok ? '' : body.error);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: 'q'.repeat(70_000) }) });
      expect([response.status, await response.text()]).toEqual([413, 'request body over 65536 bytes']);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
