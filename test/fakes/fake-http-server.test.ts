import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeHttpServer } from './fake-http-server.js';

/** The base's own mechanics, with plain fetch: routing, recording, and how faults are consumed. */
describe('FakeHttpServer', () => {
  let server: FakeHttpServer;
  beforeAll(async () => {
    server = new FakeHttpServer({ errorBody: (status, message, path) => ({ status, message, path }) });
    server.route('GET', '/items/:id', (context) => server.send(context.res, 200, { id: context.params.id, query: context.query }));
    server.route('POST', '/echo', (context) => server.send(context.res, 200, { body: context.body, bytes: context.bodyBytes }));
    await server.start();
  });
  afterEach(() => {
    server.clearFaults();
    server.clearRequests();
  });
  afterAll(() => server.close());

  const get = (path: string) => fetch(`${server.url}${path}`);

  it('routes by method and path pattern, and parses repeated query keys into arrays', async () => {
    const response = await get('/items/a%20b?ids=1&ids=2&single=x');
    expect(await response.json()).toEqual({ id: 'a b', query: { ids: ['1', '2'], single: 'x' } });
    expect((await get('/nowhere')).status).toBe(404);
  });

  it('records every request with its parsed JSON body, and counts by path', async () => {
    const body = JSON.stringify({ hello: 'wörld' });
    await fetch(`${server.url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-trace': 't1' }, body });
    await get('/items/1');
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/echo', body: { hello: 'wörld' }, bodyBytes: Buffer.byteLength(body) });
    expect(server.requests[0]?.headers['x-trace']).toBe('t1');
    expect([server.count(), server.count('/echo'), server.count('/items/1'), server.count('/items')]).toEqual([2, 1, 1, 0]);
  });

  it('fails exactly the next N matching requests, with Retry-After and the provider-shaped body', async () => {
    server.failNext(2, { status: 429, retryAfter: 3 });
    const first = await get('/items/1');
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('3');
    expect(await first.json()).toEqual({ status: 429, message: 'Injected fault: HTTP 429', path: '/items/1' });
    expect((await get('/items/1')).status).toBe(429);
    expect((await get('/items/1')).status).toBe(200);
  });

  it('leaves requests outside a fault’s path prefix alone', async () => {
    server.failNext(1, { status: 503, pathPrefix: '/echo' });
    expect((await get('/items/1')).status).toBe(200);
    expect((await fetch(`${server.url}/echo`, { method: 'POST' })).status).toBe(503);
  });

  it('delays a response, then answers normally', async () => {
    server.delayNext(1, 150);
    const started = Date.now();
    expect((await get('/items/1')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('resets the connection: fetch fails with ECONNRESET and no response', async () => {
    server.resetNext(1);
    const error = await get('/items/1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect(String((error as Error).cause)).toMatch(/ECONNRESET|other side closed|socket/i);
    expect((await get('/items/1')).status).toBe(200);
  });
});
