import { z } from 'zod';
import { BotError } from '../../src/core/bot-error.js';

/** Slack's Web API; tests point the WebClient at a local fake instead. */
export const SLACK_API_URL = 'https://slack.com/api/';

/** The Slack adapter's slice of the configuration. */
export type SlackConfig = {
  /** `xoxb-…`: the bot token every Web API call is made with. */
  botToken: string;
  /** Verifies that HTTP requests come from Slack (HMAC of each body). */
  signingSecret: string;
  /** `xapp-…`: when set, events arrive over Socket Mode instead of HTTP. */
  appToken?: string;
  /** Web API base URL, ending in `/api/`. */
  apiUrl?: string;
};

// A pasted token with a line break or a quote fails here, naming the variable, not at the first event.
const token = (prefix: string, what: string) =>
  z
    .string({ error: 'is missing' })
    .trim()
    .regex(/^\S+$/, 'must be a single token without spaces')
    .refine((value) => value.startsWith(prefix), `must be ${what}, starting with ${prefix}`);

const environmentSchema = z.object({
  SLACK_BOT_TOKEN: token('xoxb-', 'the bot token (OAuth & Permissions → Bot User OAuth Token)'),
  SLACK_SIGNING_SECRET: z
    .string({ error: 'is missing' })
    .trim()
    .regex(/^[0-9a-f]{16,}$/i, 'must be the signing secret (Basic Information → Signing Secret): hexadecimal'),
  SLACK_APP_TOKEN: token('xapp-', 'an app-level token with connections:write (Basic Information → App-Level Tokens)').optional(),
  SLACK_API_URL: z
    .url({ error: 'must be a URL such as https://slack.com/api/' })
    .transform((value) => (value.endsWith('/') ? value : `${value}/`))
    .optional(),
});

const SLACK_VARIABLES = ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'SLACK_API_URL'] as const;

/**
 * The Slack configuration from the environment, or undefined when no Slack variable is set (the
 * adapter is off). A partial or invalid configuration fails with every problem, by variable name.
 */
export const fromEnvironment = (environment: Record<string, string | undefined> = process.env): SlackConfig | undefined => {
  const present = SLACK_VARIABLES.filter((name) => (environment[name] ?? '').trim() !== '');
  if (present.length === 0) return undefined;
  const values = Object.fromEntries(SLACK_VARIABLES.map((name) => [name, environment[name]?.trim() || undefined]));
  const parsed = environmentSchema.safeParse(values);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new BotError('config_invalid', `Invalid Slack configuration:\n  ${problems.join('\n  ')}`);
  }
  const { SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN, SLACK_API_URL } = parsed.data;
  return {
    botToken: SLACK_BOT_TOKEN,
    signingSecret: SLACK_SIGNING_SECRET,
    ...(SLACK_APP_TOKEN ? { appToken: SLACK_APP_TOKEN } : {}),
    ...(SLACK_API_URL ? { apiUrl: SLACK_API_URL } : {}),
  };
};
