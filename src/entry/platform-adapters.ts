import type { BackgroundWork } from '../../adapters/shared/background-work.js';
import type { PlatformAdapter } from '../../adapters/shared/platform-adapter.js';
import type { Config } from '../config/config-schema.js';
import type { ChatServicesDependencies } from '../core/conversation/chat-services.js';
import type { Logger } from '../core/ports/logger.js';
import type { ResilienceEvents } from '../resilience/dependency-policy.js';

/** The chat platforms configured in the environment (Slack and Teams plug in here). */
export const createPlatformAdapters = async (_options: {
  config: Config;
  dependencies: ChatServicesDependencies;
  logger: Logger;
  background: BackgroundWork;
  events: ResilienceEvents;
}): Promise<PlatformAdapter[]> => [];
