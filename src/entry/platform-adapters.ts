import type { BackgroundWork } from '../../adapters/shared/background-work.js';
import type { PlatformAdapter } from '../../adapters/shared/platform-adapter.js';
import type { Config } from '../config/config-schema.js';
import { createChatServices, type ChatServicesDependencies } from '../core/conversation/chat-services.js';
import type { KeyValueStore } from '../core/ports/key-value-store.js';
import type { Logger } from '../core/ports/logger.js';
import { createDependencyPolicy, type ResilienceEvents } from '../resilience/dependency-policy.js';
import { POLICY_SETTINGS } from '../resilience/policy-settings.js';

/**
 * The chat platforms configured in the environment. Slack runs when its variables are set, Teams
 * always (emulator mode without Bot Framework credentials); each
 * adapter gets the core bound to its own membership directory and its own dependency policy.
 */
export const createPlatformAdapters = async (options: {
  config: Config;
  dependencies: ChatServicesDependencies;
  logger: Logger;
  background: BackgroundWork;
  events: ResilienceEvents;
  state: KeyValueStore;
  environment?: Record<string, string | undefined>;
}): Promise<PlatformAdapter[]> => {
  const environment = options.environment ?? process.env;
  const services = (membership: Parameters<typeof createChatServices>[1]) => createChatServices(options.dependencies, membership);
  const adapters: PlatformAdapter[] = [];
  const slack = await import('../../adapters/slack/index.js');
  const slackConfig = slack.fromEnvironment(environment);
  if (slackConfig) {
    adapters.push(
      slack.createSlackAdapter({
        config: slackConfig, services, logger: options.logger, background: options.background, state: options.state,
        policy: createDependencyPolicy('slack-api', POLICY_SETTINGS['slack-api'], options.events),
      }),
    );
  } else {
    options.logger.info({}, 'Slack: not configured (set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET to serve /slack/events)');
  }
  const teams = await import('../../adapters/teams/index.js');
  adapters.push(
    teams.createTeamsAdapter({
      config: teams.loadTeamsConfig(environment), services, logger: options.logger, background: options.background, state: options.state,
      policy: createDependencyPolicy('teams-connector', POLICY_SETTINGS['teams-connector'], options.events),
      emulatorTenantId: options.config.defaultTenant,
    }),
  );
  return adapters;
};
