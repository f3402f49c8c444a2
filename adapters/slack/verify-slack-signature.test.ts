import { verifySlackRequest } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { slackSignature } from '../../test/support/slack-signing.js';
import { verifySlackSignature } from './verify-slack-signature.js';

const SECRET = 'signing-secret-for-tests';
const NOW_MS = 1_700_000_000_000;
const NOW_SECONDS = NOW_MS / 1000;
const BODY = 'command=%2Fask&text=how+do+I+rotate+the+TLS+cert%3F&user_id=U1';

const check = (overrides: { timestamp?: string | undefined; signature?: string | undefined; body?: string; secret?: string }) => {
  const timestamp = 'timestamp' in overrides ? overrides.timestamp : String(NOW_SECONDS);
  const body = overrides.body ?? BODY;
  return verifySlackSignature({
    signingSecret: overrides.secret ?? SECRET,
    timestamp,
    signature: 'signature' in overrides ? overrides.signature : slackSignature(SECRET, BODY, Number(timestamp)),
    rawBody: Buffer.from(body),
    nowMs: NOW_MS,
  });
};

describe('Slack request signatures', () => {
  it('accepts a request signed with the secret within five minutes, either side of now', () => {
    expect(check({})).toEqual({ valid: true });
    expect(check({ timestamp: String(NOW_SECONDS - 299) })).toEqual({ valid: true });
    expect(check({ timestamp: String(NOW_SECONDS + 299) })).toEqual({ valid: true });
  });

  it('refuses a stale or far-future timestamp, even when the signature matches it (replay)', () => {
    expect(check({ timestamp: String(NOW_SECONDS - 301) })).toMatchObject({ valid: false, reason: expect.stringContaining('five minutes') });
    expect(check({ timestamp: String(NOW_SECONDS + 301) })).toMatchObject({ valid: false, reason: expect.stringContaining('five minutes') });
  });

  it('refuses a missing or malformed timestamp or signature', () => {
    for (const timestamp of [undefined, '', 'soon', '1.5e9', '-1']) expect(check({ timestamp }).valid).toBe(false);
    for (const signature of [undefined, '', 'v0=', 'v1=' + 'a'.repeat(64), 'v0=' + 'g'.repeat(64), 'v0=' + 'a'.repeat(63)]) {
      expect(check({ signature }).valid).toBe(false);
    }
  });

  it('refuses a body, secret or signature changed by one character', () => {
    expect(check({ body: `${BODY}x` })).toEqual({ valid: false, reason: 'signature mismatch' });
    expect(check({ secret: `${SECRET}x` })).toEqual({ valid: false, reason: 'signature mismatch' });
    const good = slackSignature(SECRET, BODY, NOW_SECONDS);
    const flipped = `${good.slice(0, -1)}${good.endsWith('0') ? '1' : '0'}`;
    expect(check({ signature: flipped })).toEqual({ valid: false, reason: 'signature mismatch' });
  });

  it('refuses everything when no signing secret is configured', () => {
    expect(check({ secret: '' }).valid).toBe(false);
  });

  it('agrees with Bolt’s verifySlackRequest on requests signed now and in the past', () => {
    const cases = [
      { timestamp: NOW_SECONDS, signature: slackSignature(SECRET, BODY, NOW_SECONDS) },
      { timestamp: NOW_SECONDS - 100, signature: slackSignature(SECRET, BODY, NOW_SECONDS - 100) },
      { timestamp: NOW_SECONDS - 400, signature: slackSignature(SECRET, BODY, NOW_SECONDS - 400) },
      { timestamp: NOW_SECONDS, signature: slackSignature('another secret', BODY, NOW_SECONDS) },
    ];
    for (const { timestamp, signature } of cases) {
      const bolt = (() => {
        try {
          verifySlackRequest({ signingSecret: SECRET, body: BODY, headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp }, nowMilliseconds: NOW_MS });
          return true;
        } catch {
          return false;
        }
      })();
      expect(check({ timestamp: String(timestamp), signature }).valid).toBe(bolt);
    }
  });
});
