import { FakeHttpServer, objectBody, type RouteContext } from './fake-http-server.js';

/**
 * A local fake of the Slack Web API, driven by the real @slack/web-api WebClient: `POST
 * /api/<method>` with a form (the WebClient's encoding, nested values as JSON strings) or JSON
 * body and `Authorization: Bearer`. Answers as Slack does (HTTP 200 with `ok: false` for platform
 * errors, 429 with Retry-After when rate-limited), enforces the Block Kit limits Slack enforces,
 * and keeps the messages it was sent so tests can read threads back.
 */

export type FakeChannel = { id: string; name: string; kind: 'public' | 'private' | 'im' | 'mpim'; external?: boolean; members: string[] };
export type FakeMessage = {
  channel: string; ts: string; text: string; user: string; bot_id?: string; thread_ts?: string; blocks?: unknown[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
};
type Args = Record<string, unknown>;
type Result = Record<string, unknown>;

const JSON_ARGUMENTS = new Set(['blocks', 'attachments', 'metadata']);
const page = <T>(items: T[], args: Args, defaultLimit: number) => {
  const limit = Math.max(1, Number(args.limit ?? defaultLimit) || defaultLimit);
  const offset = typeof args.cursor === 'string' && args.cursor ? Number(Buffer.from(args.cursor, 'base64').toString().replace('offset:', '')) : 0;
  const next = offset + limit < items.length ? Buffer.from(`offset:${offset + limit}`).toString('base64') : '';
  return { items: items.slice(offset, offset + limit), next };
};
const compareTs = (left: string, right: string) => Number(left.split('.')[0]) - Number(right.split('.')[0]) || Number(left.split('.')[1]) - Number(right.split('.')[1]);
const truthy = (value: unknown) => value === true || value === 'true' || value === '1';

/** Slack's `invalid_blocks` checks that matter to us: 50 blocks, 3,000-character texts, 10 context elements. */
const blockProblem = (blocks: unknown): string | undefined => {
  if (!Array.isArray(blocks)) return 'blocks must be an array';
  if (blocks.length > 50) return 'no more than 50 items allowed [json-pointer:/blocks]';
  for (const [index, block] of blocks.entries()) {
    const { type, text, elements } = block as { type?: string; text?: { text?: string }; elements?: { text?: string }[] };
    if (type === 'section' && (text?.text?.length ?? 0) > 3000) return `must be less than 3001 characters [json-pointer:/blocks/${index}/text]`;
    if (type === 'context' && ((elements?.length ?? 0) > 10 || elements?.some((element) => (element.text?.length ?? 0) > 3000))) {
      return `invalid context block [json-pointer:/blocks/${index}]`;
    }
  }
  return undefined;
};

export class FakeSlackWebApi {
  readonly server = new FakeHttpServer({ errorBody: (_status, message) => ({ ok: false, error: message }) });
  readonly channels = new Map<string, FakeChannel>();
  readonly messages: FakeMessage[] = [];
  readonly ephemerals: Args[] = [];
  /** Bodies POSTed to response_url addresses (`responseUrl(id)`). */
  readonly responses: { id: string; body: Args }[] = [];
  /** When each call reached its handler (performance.now()), to check pacing such as chat.update throttling. */
  readonly handledAt: { method: string; at: number }[] = [];
  private sequence = 0;
  private readonly failuresAfterHandling = new Map<string, number>();
  private readonly handlers: Record<string, (args: Args) => Result>;

  constructor(readonly options: { token: string; teamId: string; botUserId: string; botId: string }) {
    this.handlers = {
      'auth.test': () => ({ url: 'https://acme.slack.com/', team: 'Acme', user: 'ragbot', team_id: options.teamId, user_id: options.botUserId, bot_id: options.botId }),
      'chat.postMessage': (args) => this.postMessage(args),
      'chat.update': (args) => this.update(args),
      'chat.postEphemeral': (args) => {
        if (!this.channels.has(String(args.channel))) return { ok: false, error: 'channel_not_found' };
        this.ephemerals.push(args);
        return { message_ts: this.nextTs() };
      },
      'conversations.replies': (args) => this.replies(args),
      'conversations.history': (args) => this.history(args),
      'conversations.info': (args) => {
        const channel = this.channels.get(String(args.channel));
        return channel ? { channel: this.describe(channel) } : { ok: false, error: 'channel_not_found' };
      },
      'users.conversations': (args) => {
        const types = String(args.types ?? 'public_channel').split(',');
        const kinds = { public: 'public_channel', private: 'private_channel', im: 'im', mpim: 'mpim' } as const;
        const visible = [...this.channels.values()].filter(
          (channel) =>
            channel.members.includes(String(args.user)) && types.includes(kinds[channel.kind]) &&
            // With a bot token, non-public conversations show only when the bot is in them too.
            (channel.kind === 'public' || channel.members.includes(options.botUserId)),
        );
        const { items, next } = page(visible, args, 100);
        return { channels: items.map((channel) => this.describe(channel)), response_metadata: { next_cursor: next } };
      },
    };
    this.server.route('POST', '/api/:method', (context) => this.dispatch(context));
    this.server.route('POST', '/commands/:id', (context) => {
      this.responses.push({ id: context.params.id ?? '', body: objectBody(context.body) ?? {} });
      context.res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  }

  get url(): string {
    return this.server.url;
  }

  /** The WebClient's `slackApiUrl`. */
  get apiUrl(): string {
    return `${this.server.url}/api/`;
  }

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  addChannel(channel: FakeChannel): this {
    this.channels.set(channel.id, channel);
    return this;
  }

  /** A message a person posted (Slack stores it before sending the event); returns its ts. */
  addUserMessage(message: { channel: string; user: string; text: string; thread_ts?: string }): string {
    const ts = this.nextTs();
    this.messages.push({ ...message, ts });
    return ts;
  }

  /** A ts later than every message so far, as Slack's clock would give. */
  nextTs(): string {
    this.sequence += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(this.sequence).padStart(6, '0')}`;
  }

  responseUrl(id: string): string {
    return `${this.server.url}/commands/${id}`;
  }

  /** Parsed arguments of every call to a method, in order. */
  calls(method: string): Args[] {
    return this.server.requests.filter((request) => request.path === `/api/${method}`).map((request) => parseArguments(request.body, request.headers['content-type']));
  }

  /** The bot's posts in one thread (or root messages of a channel without `threadTs`). */
  botMessages(channel: string, threadTs?: string): FakeMessage[] {
    return this.messages.filter(
      (message) => message.channel === channel && message.user === this.options.botUserId && (threadTs === undefined ? !message.thread_ts : message.thread_ts === threadTs),
    );
  }

  /** The next `count` calls to `method` get HTTP 429 `ratelimited` with `Retry-After`. */
  rateLimitNext(method: string, count: number, retryAfterSeconds: number): void {
    this.server.failNext(count, { pathPrefix: `/api/${method}`, status: 429, retryAfter: retryAfterSeconds, body: { ok: false, error: 'ratelimited' } });
  }

  /** The next `count` calls to `method` fail with this HTTP status before doing anything. */
  failNext(method: string, count: number, status = 500): void {
    this.server.failNext(count, { pathPrefix: `/api/${method}`, status, body: { ok: false, error: 'internal_error' } });
  }

  /** The next `count` calls are handled (a message is posted) and then answered with a 500: the ambiguous failure. */
  failAfterHandlingNext(method: string, count: number): void {
    this.failuresAfterHandling.set(method, count);
  }

  delayNext(method: string, count: number, ms: number): void {
    this.server.delayNext(count, ms, { pathPrefix: `/api/${method}` });
  }

  resetNext(method: string, count: number): void {
    this.server.resetNext(count, { pathPrefix: `/api/${method}` });
  }

  private dispatch(context: RouteContext): void {
    const method = context.params.method ?? '';
    this.handledAt.push({ method, at: performance.now() });
    const args = parseArguments(context.body, context.headers['content-type']);
    const token = /^Bearer (.+)$/.exec(context.headers.authorization ?? '')?.[1] ?? args.token;
    if (token !== this.options.token) return this.server.send(context.res, 200, { ok: false, error: token ? 'invalid_auth' : 'not_authed' });
    const handler = this.handlers[method];
    const result = handler ? { ok: true, ...handler(args) } : { ok: false, error: 'unknown_method' };
    const failures = this.failuresAfterHandling.get(method) ?? 0;
    if (failures > 0) {
      this.failuresAfterHandling.set(method, failures - 1);
      return this.server.send(context.res, 500, { ok: false, error: 'internal_error' });
    }
    this.server.send(context.res, 200, result);
  }

  private describe(channel: FakeChannel) {
    return {
      id: channel.id, name: channel.name, created: 1_700_000_000, creator: 'U0ADMIN', is_archived: false,
      is_channel: channel.kind === 'public' || channel.kind === 'private', is_group: false, is_im: channel.kind === 'im', is_mpim: channel.kind === 'mpim',
      is_private: channel.kind !== 'public', is_shared: channel.external ?? false, is_ext_shared: channel.external ?? false, is_org_shared: false,
      is_pending_ext_shared: false, is_member: channel.members.includes(this.options.botUserId),
    };
  }

  private postMessage(args: Args): Result {
    const channel = this.channels.get(String(args.channel));
    if (!channel) return { ok: false, error: 'channel_not_found' };
    if (!channel.members.includes(this.options.botUserId)) return { ok: false, error: channel.kind === 'public' ? 'not_in_channel' : 'channel_not_found' };
    if (!args.text && !args.blocks) return { ok: false, error: 'no_text' };
    if (args.blocks !== undefined) {
      const problem = blockProblem(args.blocks);
      if (problem) return { ok: false, error: 'invalid_blocks', errors: [problem] };
    }
    const message: FakeMessage = { channel: channel.id, ts: this.nextTs(), text: String(args.text ?? ''), user: this.options.botUserId, bot_id: this.options.botId };
    if (typeof args.thread_ts === 'string' && args.thread_ts) message.thread_ts = args.thread_ts;
    if (Array.isArray(args.blocks)) message.blocks = args.blocks;
    if (objectBody(args.metadata)) message.metadata = args.metadata as FakeMessage['metadata'];
    this.messages.push(message);
    return { channel: channel.id, ts: message.ts, message: { ...message, type: 'message' } };
  }

  private update(args: Args): Result {
    const message = this.messages.find((candidate) => candidate.channel === args.channel && candidate.ts === args.ts);
    if (!message) return { ok: false, error: 'message_not_found' };
    if (message.user !== this.options.botUserId) return { ok: false, error: 'cant_update_message' };
    if (args.blocks !== undefined && blockProblem(args.blocks)) return { ok: false, error: 'invalid_blocks' };
    message.text = String(args.text ?? message.text);
    if (Array.isArray(args.blocks)) message.blocks = args.blocks;
    return { channel: message.channel, ts: message.ts, text: message.text };
  }

  private view(message: FakeMessage, withMetadata: boolean) {
    const { metadata, ...rest } = message;
    return { type: 'message', ...rest, ...(withMetadata && metadata ? { metadata } : {}) };
  }

  private inRange(message: FakeMessage, args: Args): boolean {
    const inclusive = truthy(args.inclusive);
    if (typeof args.oldest === 'string' && args.oldest) {
      const order = compareTs(message.ts, args.oldest);
      if (order < 0 || (order === 0 && !inclusive)) return false;
    }
    if (typeof args.latest === 'string' && args.latest) {
      const order = compareTs(message.ts, args.latest);
      if (order > 0 || (order === 0 && !inclusive)) return false;
    }
    return true;
  }

  private replies(args: Args): Result {
    if (!this.channels.has(String(args.channel))) return { ok: false, error: 'channel_not_found' };
    const root = this.messages.find((message) => message.channel === args.channel && message.ts === args.ts);
    if (!root) return { ok: false, error: 'thread_not_found' };
    const thread = this.messages
      .filter((message) => message.channel === args.channel && (message === root || message.thread_ts === root.ts))
      .filter((message) => message === root || this.inRange(message, args))
      .sort((left, right) => compareTs(left.ts, right.ts));
    const { items, next } = page(thread, args, 1000);
    return { messages: items.map((message) => this.view(message, truthy(args.include_all_metadata))), has_more: next !== '', response_metadata: { next_cursor: next } };
  }

  private history(args: Args): Result {
    if (!this.channels.has(String(args.channel))) return { ok: false, error: 'channel_not_found' };
    const roots = this.messages
      .filter((message) => message.channel === args.channel && (!message.thread_ts || message.thread_ts === message.ts) && this.inRange(message, args))
      .sort((left, right) => compareTs(right.ts, left.ts));
    const { items, next } = page(roots, args, 100);
    return { messages: items.map((message) => this.view(message, truthy(args.include_all_metadata))), has_more: next !== '', response_metadata: { next_cursor: next } };
  }
}

/** Form bodies as the WebClient sends them (nested values JSON-encoded), or JSON bodies as they are. */
export const parseArguments = (body: unknown, contentType: string | undefined): Args => {
  if (typeof body !== 'string') return objectBody(body) ?? {};
  if (!contentType?.includes('application/x-www-form-urlencoded')) return {};
  const args: Args = {};
  for (const [key, value] of new URLSearchParams(body)) {
    args[key] = JSON_ARGUMENTS.has(key) && /^[[{]/.test(value) ? (JSON.parse(value) as unknown) : value;
  }
  return args;
};
