import { BotError, describeError } from '../../core/bot-error.js';

/** Every Redis command in the bot's error family: unavailable and retryable, so callers can fall back. */
export const redisCall = async <T>(command: string, call: () => Promise<T>): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    if (error instanceof BotError) throw error;
    throw new BotError('state_unavailable', `Redis ${command} failed: ${describeError(error)}`, { cause: error, retryable: true });
  }
};
