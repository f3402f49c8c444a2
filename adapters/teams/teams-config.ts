import { z } from 'zod';
import { BotError } from '../../src/core/bot-error.js';

/**
 * The Teams bot's identity, read from the Bot Framework's own variable names so an Azure Bot
 * resource's settings (or a Teams Toolkit `.env`) can be used as they are.
 *
 * - No `MicrosoftAppId`: emulator mode, for local use only. Inbound requests are not authenticated
 *   and replies are sent without a token (the Bot Framework Emulator, or a test).
 * - `MicrosoftAppId` set: every inbound request must carry a valid Bot Framework JWT for that app,
 *   and replies are authenticated with the app's credentials.
 */
export type TeamsConfig =
  | { mode: 'emulator' }
  | {
      mode: 'authenticated';
      appId: string;
      appType: TeamsAppType;
      /** Absent for a user-assigned managed identity. */
      appPassword?: string;
      /** Required for SingleTenant and UserAssignedMSI. */
      tenantId?: string;
    };

export const TEAMS_APP_TYPES = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const;
export type TeamsAppType = (typeof TEAMS_APP_TYPES)[number];

const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const guid = z.preprocess(
  blankToUndefined,
  z
    .string()
    .trim()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID such as 00000000-0000-0000-0000-000000000000')
    .optional(),
);

const teamsEnvironmentSchema = z.object({
  MicrosoftAppId: guid,
  MicrosoftAppPassword: z.preprocess(blankToUndefined, z.string().regex(/^\S+$/, 'must be a single token without spaces').optional()),
  MicrosoftAppType: z.preprocess(
    blankToUndefined,
    z.enum(TEAMS_APP_TYPES, { error: `must be one of ${TEAMS_APP_TYPES.join(', ')}` }).default('MultiTenant'),
  ),
  MicrosoftAppTenantId: guid,
});

/** Reads the Teams variables; every problem is reported at once, each naming its variable. */
export const loadTeamsConfig = (environment: Record<string, string | undefined> = process.env): TeamsConfig => {
  const parsed = teamsEnvironmentSchema.safeParse(environment);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  if (parsed.success) {
    const { MicrosoftAppId: appId, MicrosoftAppPassword: appPassword, MicrosoftAppType: appType, MicrosoftAppTenantId: tenantId } = parsed.data;
    if (!appId) {
      if (appPassword) problems.push('MicrosoftAppId: is missing; MicrosoftAppPassword is set without the app it belongs to');
    } else {
      if (appType !== 'UserAssignedMSI' && !appPassword) {
        problems.push(`MicrosoftAppPassword: is missing; MicrosoftAppType=${appType} needs the app's client secret`);
      }
      if (appType !== 'MultiTenant' && !tenantId) {
        problems.push(`MicrosoftAppTenantId: is missing; MicrosoftAppType=${appType} needs the tenant the app is registered in`);
      }
    }
    if (problems.length === 0) {
      if (!appId) return { mode: 'emulator' };
      return { mode: 'authenticated', appId, appType, ...(appPassword ? { appPassword } : {}), ...(tenantId ? { tenantId } : {}) };
    }
  }
  throw new BotError('config_invalid', `Invalid Teams configuration:\n  ${problems.join('\n  ')}`);
};

/** The settings `ConfigurationBotFrameworkAuthentication` reads, under the Bot Framework's names. */
export const botFrameworkSettings = (config: TeamsConfig, overrides: { openIdMetadataUrl?: string } = {}): Record<string, string> => {
  const settings: Record<string, string> =
    config.mode === 'emulator'
      ? {}
      : {
          MicrosoftAppId: config.appId,
          MicrosoftAppType: config.appType,
          ...(config.appPassword ? { MicrosoftAppPassword: config.appPassword } : {}),
          ...(config.tenantId ? { MicrosoftAppTenantId: config.tenantId } : {}),
        };
  if (overrides.openIdMetadataUrl) {
    // Setting any one of these switches BotFrameworkAuthenticationFactory to "parameterized" mode,
    // where every unset one is undefined (no token issuer: every token refused). So all of the
    // public cloud's values are spelled out, and only the metadata URL differs.
    Object.assign(settings, PUBLIC_CLOUD, { ToBotFromChannelOpenIdMetadataUrl: overrides.openIdMetadataUrl });
  }
  return settings;
};

/** BotFrameworkAuthenticationFactory's public-cloud defaults (botframework-connector 4.23). */
const PUBLIC_CLOUD = {
  ValidateAuthority: 'true',
  ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
  ToChannelFromBotOAuthScope: 'https://api.botframework.com',
  ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
  OAuthUrl: 'https://api.botframework.com',
  ToBotFromChannelOpenIdMetadataUrl: 'https://login.botframework.com/v1/.well-known/openidconfiguration',
  ToBotFromEmulatorOpenIdMetadataUrl: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
  CallerId: 'urn:botframework:azure',
};

/** The app id replies and proactive turns are sent as ('' in emulator mode). */
export const appIdOf = (config: TeamsConfig): string => (config.mode === 'emulator' ? '' : config.appId);
