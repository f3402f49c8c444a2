import { FakeHttpServer, objectBody, type RouteContext } from './fake-http-server.js';

/**
 * A local Bot Connector: the service Teams runs at an activity's `serviceUrl`. It records every
 * activity the bot sends (replies, new messages, updates) and answers the roster calls
 * (`pagedmembers`, `members/{id}`, `teams/{id}/conversations`) from data the test sets. The fault
 * switches of FakeHttpServer apply (429 with Retry-After, 500, delays, resets).
 *
 * It also plays Teams' other side: `deliver` POSTs an activity to the bot's endpoint, with a token
 * when the test gives one, as the channel would.
 */

export type FakeMember = { id: string; name: string; aadObjectId?: string; userPrincipalName?: string; tenantId?: string };
export type FakeChannel = { id: string; name?: string; type?: 'standard' | 'private' | 'shared' };

export type SentActivity = {
  kind: 'reply' | 'send' | 'update';
  /** The conversation id as the bot addressed it (with `;messageid=` for a channel thread). */
  conversationId: string;
  /** For replies: the message replied to. For updates: the message updated. */
  targetId?: string;
  /** The id the connector gave the message. */
  id: string;
  activity: Record<string, unknown>;
  authorization?: string;
  at: number;
};

const threadless = (conversationId: string) => conversationId.split(';messageid=')[0] ?? conversationId;

export class FakeBotConnector {
  readonly server = new FakeHttpServer({
    errorBody: (status, message) => ({ error: { code: status === 429 ? 'Throttled' : status === 404 ? 'NotFound' : 'ServiceError', message } }),
    guard: (context) => this.checkAuthorization(context),
  });
  readonly sent: SentActivity[] = [];
  /** Rosters by conversation id: a team's id (its roster), a private channel's, a group chat's. */
  readonly rosters = new Map<string, FakeMember[]>();
  /** Channels by team id. */
  readonly channels = new Map<string, FakeChannel[]>();
  /** When set, every call must carry exactly this Authorization header (401 otherwise). */
  expectedAuthorization: string | undefined;
  private nextId = 1_700_000_100_000;
  private readonly waiters = new Set<() => void>();

  constructor() {
    const server = this.server;
    server.route('POST', '/v3/conversations/:conversationId/activities/:activityId', (context) => this.record(context, 'reply'));
    server.route('POST', '/v3/conversations/:conversationId/activities', (context) => this.record(context, 'send'));
    server.route('PUT', '/v3/conversations/:conversationId/activities/:activityId', (context) => this.record(context, 'update'));
    server.route('GET', '/v3/conversations/:conversationId/pagedmembers', (context) => this.pagedMembers(context));
    server.route('GET', '/v3/conversations/:conversationId/members/:userId', (context) => this.member(context));
    server.route('GET', '/v3/teams/:teamId/conversations', (context) => {
      const channels = this.channels.get(context.params.teamId ?? '');
      if (!channels) return server.sendError(context.res, 404, 'Team not found', context.path);
      server.send(context.res, 200, { conversations: channels });
    });
  }

  get url(): string {
    return this.server.url;
  }

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  /** A team: its roster, and its channels (the General channel has the team's id). */
  setTeam(teamId: string, team: { members: FakeMember[]; channels: FakeChannel[] }): void {
    this.rosters.set(teamId, team.members);
    this.channels.set(teamId, team.channels);
  }

  /** A conversation with its own roster: a group chat, a 1:1 chat, a private or shared channel. */
  setRoster(conversationId: string, members: FakeMember[]): void {
    this.rosters.set(conversationId, members);
  }

  replies(): SentActivity[] {
    return this.sent.filter((sent) => sent.kind === 'reply');
  }

  /** Resolves when `predicate` holds for what was sent, or fails after `timeoutMs`. */
  async waitFor(predicate: (sent: SentActivity[]) => boolean, timeoutMs = 5_000): Promise<SentActivity[]> {
    if (predicate(this.sent)) return this.sent;
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate(this.sent)) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(this.sent);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`FakeBotConnector: condition not met within ${timeoutMs} ms; sent: ${JSON.stringify(this.sent.map((s) => ({ kind: s.kind, text: s.activity.text })))}`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** POSTs an activity to the bot as Teams would; returns the bot's HTTP answer. */
  async deliver(botUrl: string, activity: Record<string, unknown>, options: { token?: string; authorization?: string } = {}): Promise<{ status: number; body: string }> {
    const authorization = options.authorization ?? (options.token ? `Bearer ${options.token}` : undefined);
    const response = await fetch(botUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({ serviceUrl: this.url, ...activity }),
    });
    return { status: response.status, body: await response.text() };
  }

  private checkAuthorization(context: RouteContext): boolean {
    if (this.expectedAuthorization === undefined || context.headers.authorization === this.expectedAuthorization) return false;
    this.server.sendError(context.res, 401, 'Authorization has been denied for this request.', context.path);
    return true;
  }

  private record(context: RouteContext, kind: SentActivity['kind']): void {
    const activity = objectBody(context.body);
    if (!activity || typeof activity.type !== 'string') return this.server.sendError(context.res, 400, 'Activity must be an object with a type', context.path);
    const conversationId = context.params.conversationId ?? '';
    const id = kind === 'update' ? (context.params.activityId ?? '') : String(this.nextId++);
    const sent: SentActivity = {
      kind, conversationId, id, activity, at: Date.now(),
      ...(context.params.activityId ? { targetId: context.params.activityId } : {}),
      ...(context.headers.authorization ? { authorization: context.headers.authorization } : {}),
    };
    this.sent.push(sent);
    this.server.send(context.res, 200, { id });
    for (const waiter of [...this.waiters]) waiter();
  }

  private pagedMembers(context: RouteContext): void {
    const roster = this.rosters.get(threadless(context.params.conversationId ?? ''));
    if (!roster) return this.server.sendError(context.res, 404, 'Conversation not found', context.path);
    const pageSize = Math.max(1, Math.min(500, Number(context.query.pageSize ?? 500) || 500));
    const start = Number(context.query.continuationToken ?? 0) || 0;
    const members = roster.slice(start, start + pageSize).map((member) => ({ objectId: member.aadObjectId, ...member }));
    const next = start + pageSize < roster.length ? String(start + pageSize) : undefined;
    this.server.send(context.res, 200, { members, ...(next ? { continuationToken: next } : {}) });
  }

  private member(context: RouteContext): void {
    const roster = this.rosters.get(threadless(context.params.conversationId ?? ''));
    if (!roster) return this.server.sendError(context.res, 404, 'Conversation not found', context.path);
    const userId = (context.params.userId ?? '').toLowerCase();
    const member = roster.find((candidate) => candidate.id.toLowerCase() === userId || candidate.aadObjectId?.toLowerCase() === userId);
    if (!member) return this.server.sendError(context.res, 404, 'The member was not found in the conversation', context.path);
    this.server.send(context.res, 200, { objectId: member.aadObjectId, ...member });
  }
}
