import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tiny HTTP server for fakes of third-party APIs. Tests drive the real SDKs against it, so it must
 * speak plain HTTP the way the services do; the fault switches reproduce what the network and the
 * providers' edges do to us (rate limits, outages, slow answers, dropped connections).
 */

export type RecordedRequest = {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Query parameters; a repeated key (e.g. Pinecone's `ids=a&ids=b`) becomes an array. */
  query: Record<string, string | string[]>;
  /** Node lower-cases header names. */
  headers: IncomingHttpHeaders;
  /** Parsed JSON, the raw text when it is not JSON, or undefined when there is no body. */
  body: unknown;
  /** Size of the raw body, for request-size limits. */
  bodyBytes: number;
};

export type RouteContext = RecordedRequest & { params: Record<string, string>; res: ServerResponse };
export type RouteHandler = (context: RouteContext) => void | Promise<void>;

export type FaultTarget = { /** Only requests whose path starts with this are affected. */ pathPrefix?: string };
export type FailOptions = FaultTarget & {
  status: number;
  /** Sent as `Retry-After` in seconds, the way OpenAI, Anthropic and most gateways send it. */
  retryAfter?: number;
  /** Replaces the provider-shaped error body the fake would otherwise send. */
  body?: unknown;
  headers?: Record<string, string>;
};

export type FakeHttpServerOptions = {
  /** Formats the provider's error JSON, for faults without a body, unknown routes and handler crashes. */
  errorBody?: (status: number, message: string, path: string) => unknown;
  /** Headers on every response, e.g. a request id. */
  responseHeaders?: () => Record<string, string>;
  /** Runs after the faults and before the route; returns true when it has answered (e.g. a 401). */
  guard?: (context: RouteContext) => boolean;
};

type Fault<T> = { remaining: number; pathPrefix: string | undefined; value: T };
type Route = { method: string; pattern: RegExp; names: string[]; handler: RouteHandler };

/** True once the client has hung up; writing then would only raise socket errors. */
export const isGone = (res: ServerResponse): boolean => res.destroyed || !res.socket || res.socket.destroyed;

export const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  if (isGone(res) || res.headersSent) return; // the client gave up (timeout) or the socket was reset
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
};

/** Starts a `text/event-stream` response; the caller writes frames and ends it. */
export const openEventStream = (res: ServerResponse, headers: Record<string, string> = {}): void => {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', ...headers });
};

const defaultErrorBody = (status: number, message: string): unknown => ({ error: { status, message } });

export class FakeHttpServer {
  readonly requests: RecordedRequest[] = [];
  private readonly routes: Route[] = [];
  private readonly failures: Fault<FailOptions>[] = [];
  private readonly delays: Fault<number>[] = [];
  private readonly resets: Fault<true>[] = [];
  private readonly pendingTimers = new Set<NodeJS.Timeout>();
  private server: Server | undefined;
  url = '';

  constructor(private readonly options: FakeHttpServerOptions = {}) {}

  /** `pattern` is a path such as `/indexes/:name`; `:name` segments become `params`. */
  route(method: string, pattern: string, handler: RouteHandler): this {
    const names: string[] = [];
    const source = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_match, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    this.routes.push({ method: method.toUpperCase(), pattern: new RegExp(`^${source}$`), names, handler });
    return this;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => this.sendError(res, 500, String(error), req.url ?? '/'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const timer of this.pendingTimers) clearTimeout(timer);
    this.pendingTimers.clear();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    // Keep-alive sockets would hold close() open for seconds; nothing useful is in flight at teardown.
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** How many requests arrived, optionally only those for exactly this path. */
  count(path?: string): number {
    return path === undefined ? this.requests.length : this.requests.filter((request) => request.path === path).length;
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  /** The next `count` matching requests get this status instead of reaching the route. */
  failNext(count: number, options: FailOptions): void {
    this.failures.push({ remaining: count, pathPrefix: options.pathPrefix, value: options });
  }

  /** The next `count` matching requests are held `ms` before being answered, to trip client timeouts. */
  delayNext(count: number, ms: number, target: FaultTarget = {}): void {
    this.delays.push({ remaining: count, pathPrefix: target.pathPrefix, value: ms });
  }

  /** The next `count` matching requests get their TCP connection reset instead of any response. */
  resetNext(count: number, target: FaultTarget = {}): void {
    this.resets.push({ remaining: count, pathPrefix: target.pathPrefix, value: true });
  }

  clearFaults(): void {
    this.failures.length = 0;
    this.delays.length = 0;
    this.resets.length = 0;
  }

  sendError(res: ServerResponse, status: number, message: string, path: string, headers: Record<string, string> = {}): void {
    const body = (this.options.errorBody ?? defaultErrorBody)(status, message, path);
    sendJson(res, status, body, { ...this.options.responseHeaders?.(), ...headers });
  }

  /** Like `sendJson`, with the fake's standard response headers. */
  send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    sendJson(res, status, body, { ...this.options.responseHeaders?.(), ...headers });
  }

  responseHeaders(): Record<string, string> {
    return this.options.responseHeaders?.() ?? {};
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: parseQuery(url.searchParams),
      headers: req.headers,
      body: parseBody(raw),
      bodyBytes: raw.length,
    };
    // Recorded before any fault: a request that timed out or was reset still reached the server,
    // which is exactly what "the SDK made one request" assertions need to see.
    this.requests.push(record);

    const delay = take(this.delays, record.path);
    if (delay !== undefined) await this.sleep(delay);
    if (take(this.resets, record.path)) {
      req.socket.resetAndDestroy(); // RST, so the client sees ECONNRESET rather than a clean close
      return;
    }
    const failure = take(this.failures, record.path);
    if (failure) {
      const headers = { ...failure.headers, ...(failure.retryAfter === undefined ? {} : { 'retry-after': String(failure.retryAfter) }) };
      if (failure.body === undefined) this.sendError(res, failure.status, `Injected fault: HTTP ${failure.status}`, record.path, headers);
      else this.send(res, failure.status, failure.body, headers);
      return;
    }

    const found = this.findRoute(record.method, record.path);
    const context: RouteContext = { ...record, params: found?.params ?? {}, res };
    if (this.options.guard?.(context)) return; // e.g. auth, which real services check before routing
    // A delayed request is still processed even if the client already gave up, as a slow real server would.
    if (found) await found.route.handler(context);
    else this.sendError(res, 404, `No route for ${record.method} ${record.path}`, record.path);
  }

  private findRoute(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      const match = route.method === method ? route.pattern.exec(path) : null;
      if (match) return { route, params: Object.fromEntries(route.names.map((name, index) => [name, decodeURIComponent(match[index + 1] ?? '')])) };
    }
    return undefined;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pendingTimers.delete(timer);
        resolve();
      }, ms);
      this.pendingTimers.add(timer);
    });
  }
}

const take = <T>(faults: Fault<T>[], path: string): T | undefined => {
  const index = faults.findIndex((fault) => fault.pathPrefix === undefined || path.startsWith(fault.pathPrefix));
  const fault = faults[index];
  if (!fault) return undefined;
  fault.remaining -= 1;
  if (fault.remaining <= 0) faults.splice(index, 1);
  return fault.value;
};

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

const parseBody = (raw: Buffer): unknown => {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text; // routes that expect JSON answer 400 for a string body
  }
};

const parseQuery = (params: URLSearchParams): Record<string, string | string[]> => {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    query[key] = values.length === 1 ? (values[0] ?? '') : values;
  }
  return query;
};

/** A JSON object body, or undefined when the body is missing or not an object. */
export const objectBody = (body: unknown): Record<string, unknown> | undefined =>
  typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
