/** A question as every adapter normalizes it; the core never reads `raw`. */
export type Question = {
  /** Idempotency key: Slack event_id / trigger_id, Teams activity id, a uuid for the CLI. */
  id: string;
  platform: 'slack' | 'teams' | 'web' | 'cli';
  tenantId: string;
  channel: { id: string; kind: 'public' | 'private' | 'dm' | 'group'; external: boolean };
  user: { id: string; name?: string };
  threadId?: string;
  text: string;
  invocation: 'slash' | 'mention' | 'dm' | 'thread-followup' | 'cli';
  /** Earlier turns of the thread, oldest first. */
  history: { role: 'user' | 'assistant'; text: string }[];
  receivedAt: Date;
  raw?: unknown;
};

export const MAX_QUESTION_CHARACTERS = 2_000;
