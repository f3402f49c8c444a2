import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuerystring } from 'node:querystring';
import { HTTPModuleFunctions as httpFunctions, HTTPResponseAck, type App, type Logger as BoltLogger, type Receiver } from '@slack/bolt';
import { verifySlackSignature } from './verify-slack-signature.js';

/** The body of an acknowledgement: nothing (an empty 200), a text or a JSON object. */
export type AckBody = string | Record<string, unknown> | undefined;

/**
 * The acknowledgement of a request decided from its body alone, or undefined when only the
 * listeners can decide it (they then ack through Bolt as usual).
 */
export type EarlyAck = (body: Record<string, unknown>) => { body: AckBody } | undefined;

export type SlackHttpReceiverOptions = {
  signingSecret: string;
  logger: BoltLogger;
  earlyAck: EarlyAck;
  /**
   * Runs Bolt's processing of an acknowledged request later: the bot's background work, which
   * starts tasks once no acknowledgement is due (ingress-gate.ts) and lets a shutdown wait for them.
   */
  defer: (task: () => Promise<unknown>) => void;
};

type BufferedRequest = IncomingMessage & { rawBody: Buffer };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const isFormEncoded = (contentType: string | undefined) => contentType?.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';

const headerOf = (request: IncomingMessage, name: string): string | undefined => {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * Bolt's HTTP receiver, with the acknowledgement first. Every request's signature is verified
 * (verify-slack-signature.ts: Bolt's rules, for less CPU) and its body parsed once. A request the
 * adapter can acknowledge from its body (every Events API callback, `/ask`, `/reindex`) is
 * answered at once and handed to Bolt as background work, so a burst is acknowledged before
 * Bolt's middleware runs for any of it; the listeners' own `ack` is then a no-op. Anything else
 * goes through Bolt's HTTPResponseAck, as in Bolt's HTTPReceiver. A payload Bolt cannot process
 * gets a 400, never a 500.
 */
export class SlackHttpReceiver implements Receiver {
  private app: App | undefined;

  constructor(private readonly options: SlackHttpReceiverOptions) {}

  init(app: App): void {
    this.app = app;
  }

  // The route belongs to the bot's shared HTTP server: nothing to listen on or close here.
  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  /** Handles one request whose body has been read into `rawBody`. */
  async handle(request: BufferedRequest, response: ServerResponse): Promise<void> {
    const { logger, signingSecret } = this.options;
    const text = request.rawBody.toString('utf8');
    const form = isFormEncoded(request.headers['content-type']) ? parseQuerystring(text) : undefined;
    // Slack's SSL check is unsigned and carries nothing else (Bolt answers it the same way).
    if (form?.ssl_check === '1') return httpFunctions.buildSSLCheckResponse(response);
    const check = verifySlackSignature({
      signingSecret,
      timestamp: headerOf(request, 'x-slack-request-timestamp'),
      signature: headerOf(request, 'x-slack-signature'),
      rawBody: request.rawBody,
      nowMs: Date.now(),
    });
    if (!check.valid) {
      logger.warn(`Slack request refused: ${check.reason}`);
      return httpFunctions.buildNoBodyResponse(response, 401);
    }
    let body: unknown;
    try {
      // Interactive payloads come as a form with one JSON `payload` field; events as JSON.
      body = form ? (typeof form.payload === 'string' ? JSON.parse(form.payload) : form) : JSON.parse(text);
    } catch (error) {
      logger.warn(`Slack request body malformed: ${error instanceof Error ? error.message : String(error)}`);
      return httpFunctions.buildNoBodyResponse(response, 400);
    }
    if (!isRecord(body)) return httpFunctions.buildNoBodyResponse(response, 400);
    if (body.type === 'url_verification') return httpFunctions.buildUrlVerificationResponse(response, body);

    const event = { body, retryNum: httpFunctions.extractRetryNumFromHTTPRequest(request), retryReason: httpFunctions.extractRetryReasonFromHTTPRequest(request) };
    const early = this.options.earlyAck(body);
    if (early) {
      httpFunctions.buildContentResponse(response, early.body);
      this.options.defer(() => this.process({ ...event, ack: async () => undefined }));
      return;
    }
    const ack = new HTTPResponseAck({ logger, processBeforeResponse: false, httpRequest: request, httpRequestBody: body, httpResponse: response });
    try {
      await this.process({ ...event, ack: ack.bind() });
      // Every listener has returned without acknowledging: no listener takes this payload. Bolt
      // would hold the connection until its 3-second timer; say so now.
      if (!response.headersSent) {
        ack.ack();
        httpFunctions.buildNoBodyResponse(response, 404);
      }
    } catch (error) {
      // Listener failures reach app.error, so what throws here is a payload Bolt could not route.
      logger.warn(`Slack payload not processed: ${error instanceof Error ? error.message : String(error)}`);
      if (!response.headersSent) {
        ack.ack(); // stops Bolt's "unhandled request" timer
        if (!response.headersSent) httpFunctions.buildNoBodyResponse(response, 400);
      }
    }
  }

  private process(event: Parameters<App['processEvent']>[0]): Promise<void> {
    if (!this.app) throw new Error('the Slack receiver has no app: init() was not called');
    return this.app.processEvent(event);
  }
}
