import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { IngressGate } from '../../adapters/shared/ingress-gate.js';
import type { HttpRoute } from '../../adapters/shared/platform-adapter.js';
import type { Logger } from '../core/ports/logger.js';

export type Readiness = () => Promise<{ ready: boolean; checks: Record<string, string> }>;

const json = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
};

/**
 * One HTTP server for everything: the platforms' webhooks, the web page, health and metrics.
 * Each request gets an id (or keeps the caller's `x-request-id`) that follows it into the logs.
 */
export type RagbotServer = Server & {
  /** Requests being handled right now. */
  readonly inFlight: number;
  /** Waits (within a bound) for requests in flight to finish; true when none was left. */
  drainRequests(timeoutMs: number): Promise<boolean>;
};

export type HttpServerOptions = {
  routes: HttpRoute[];
  registry: Registry;
  readiness: Readiness;
  logger: Logger;
  /** Told of every webhook request from its arrival until its response is finished (answers wait for quiet). */
  ingress?: IngressGate;
};

export const createHttpServer = (options: HttpServerOptions): RagbotServer => {
  const { routes, registry, readiness, logger, ingress } = options;
  const builtIn: HttpRoute[] = [
    { method: 'GET', path: '/healthz', handle: (_request, response) => json(response, 200, { status: 'ok' }) },
    {
      method: 'GET', path: '/readyz',
      handle: async (_request, response) => {
        const result = await readiness();
        json(response, result.ready ? 200 : 503, { status: result.ready ? 'ready' : 'not ready', checks: result.checks });
      },
    },
    {
      method: 'GET', path: '/metrics',
      handle: async (_request, response) => {
        response.writeHead(200, { 'content-type': registry.contentType });
        response.end(await registry.metrics());
      },
    },
  ];
  const all = [...routes, ...builtIn];
  let inFlight = 0;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const requestId = (request.headers['x-request-id'] as string | undefined)?.slice(0, 100) ?? randomUUID();
    response.setHeader('x-request-id', requestId);
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const route = all.find((candidate) => candidate.method === request.method && candidate.path === path);
    // A webhook's acknowledgement is due until its response is finished or the connection is gone.
    const arrival = route?.acknowledgement ? ingress?.arrived() : undefined;
    if (arrival) response.once('close', arrival.done);
    if (!route) {
      const known = all.some((candidate) => candidate.path === path);
      json(response, known ? 405 : 404, { error: known ? 'method not allowed' : 'not found' });
      return;
    }
    inFlight++;
    Promise.resolve(route.handle(request, response))
      .catch((error: unknown) => {
        logger.error({ requestId, path, error: error instanceof Error ? error.message : String(error) }, 'request failed');
        if (!response.headersSent) json(response, 500, { error: 'internal error', requestId });
        else response.end();
      })
      .finally(() => inFlight--);
  });
  return Object.assign(server, {
    get inFlight() {
      return inFlight;
    },
    async drainRequests(timeoutMs: number) {
      const deadline = Date.now() + timeoutMs;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
      return inFlight === 0;
    },
  });
};
