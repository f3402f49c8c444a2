import type { IncomingMessage, ServerResponse } from 'node:http';

export type HttpHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void> | void;

export type HttpRoute = {
  method: 'GET' | 'POST';
  path: string;
  handle: HttpHandler;
  /**
   * A platform webhook whose caller times out and redelivers (Slack, Teams): answers wait while
   * one is being acknowledged (see ingress-gate.ts). Not a request held while its answer is made.
   */
  acknowledgement?: true;
};

/**
 * What the server needs of a chat platform: the routes it answers on one shared HTTP server, and
 * a way to stop. Everything else (verification, acknowledgement, conversion, rendering) stays inside.
 */
export type PlatformAdapter = {
  readonly name: 'slack' | 'teams' | 'web';
  readonly routes: HttpRoute[];
  /** Connects what is not HTTP (Slack Socket Mode). */
  start?(): Promise<void>;
  stop(): Promise<void>;
};
