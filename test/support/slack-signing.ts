import { createHmac } from 'node:crypto';

/** Slack's request signature: `v0=` + HMAC-SHA256 of `v0:{timestamp}:{body}` with the signing secret. */
export const slackSignature = (secret: string, body: string, timestamp: number): string =>
  `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;

/**
 * The headers Slack sends with every HTTP request, for tests and the benchmark to fire requests the
 * real Bolt receiver accepts. `timestamp` is in seconds; Bolt refuses one older than five minutes.
 */
export const signSlackRequest = (
  secret: string,
  body: string,
  timestamp: number = Math.floor(Date.now() / 1000),
): { 'x-slack-signature': string; 'x-slack-request-timestamp': string } => ({
  'x-slack-signature': slackSignature(secret, body, timestamp),
  'x-slack-request-timestamp': String(timestamp),
});
