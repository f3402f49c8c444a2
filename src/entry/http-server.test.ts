import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createIngressGate } from '../../adapters/shared/ingress-gate.js';
import { silentLogger } from '../core/ports/logger.js';
import { createHttpServer, type RagbotServer } from './http-server.js';

let server: RagbotServer | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

describe('the HTTP server and the ingress gate', () => {
  it('counts a request from its arrival until its response is finished: answers wait for the acknowledgement', async () => {
    const ingress = createIngressGate({ quietMs: 1, maxWaitMs: 60_000 });
    let respond: (() => void) | undefined;
    const arrived = new Promise<void>((resolveArrived) => {
      server = createHttpServer({
        routes: [{
          method: 'POST', path: '/hook', acknowledgement: true,
          // The handler returns at once and acknowledges later, as Bolt's receiver does.
          handle: (_request, response) => {
            respond = () => response.writeHead(200).end();
            resolveArrived();
          },
        }],
        registry: new Registry(), readiness: async () => ({ ready: true, checks: {} }), logger: silentLogger, ingress,
      });
    });
    await new Promise<void>((resolveListen) => server?.listen(0, '127.0.0.1', resolveListen));
    const { port } = server?.address() as AddressInfo;
    const request = fetch(`http://127.0.0.1:${port}/hook`, { method: 'POST', body: 'x' });
    await arrived;
    let quiet = false;
    void ingress.quiet().then(() => (quiet = true));
    await new Promise((resolveWait) => setTimeout(resolveWait, 30));
    expect(quiet).toBe(false);
    respond?.();
    expect((await request).status).toBe(200);
    await new Promise((resolveWait) => setTimeout(resolveWait, 30));
    expect(quiet).toBe(true);
  });

  it('does not hold answers for a request that is not a webhook (a web question answered in its own response)', async () => {
    const ingress = createIngressGate({ quietMs: 1, maxWaitMs: 60_000 });
    let respond: (() => void) | undefined;
    const arrived = new Promise<void>((resolveArrived) => {
      server = createHttpServer({
        routes: [{ method: 'POST', path: '/api/web/ask', handle: (_request, response) => {
          respond = () => response.writeHead(200).end();
          resolveArrived();
        } }],
        registry: new Registry(), readiness: async () => ({ ready: true, checks: {} }), logger: silentLogger, ingress,
      });
    });
    await new Promise<void>((resolveListen) => server?.listen(0, '127.0.0.1', resolveListen));
    const { port } = server?.address() as AddressInfo;
    const request = fetch(`http://127.0.0.1:${port}/api/web/ask`, { method: 'POST', body: 'x' });
    await arrived;
    let quiet = false;
    void ingress.quiet().then(() => (quiet = true));
    await new Promise((resolveWait) => setTimeout(resolveWait, 30));
    expect(quiet).toBe(true);
    respond?.();
    expect((await request).status).toBe(200);
  });
});
