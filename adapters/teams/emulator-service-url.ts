import type { Logger } from '../../src/core/ports/logger.js';

/**
 * Emulator mode (no MicrosoftAppId) authenticates nothing, and the bot replies to the `serviceUrl`
 * the activity names: without this check anyone who reaches `/api/messages` could make the bot POST
 * (and read rosters) anywhere on its network. The Bot Framework Emulator and local tests run on this
 * machine, so emulator mode accepts only loopback connectors. Authenticated mode needs no such check:
 * the channel's token binds the serviceUrl.
 */

export const EMULATOR_SERVICE_URL_REFUSAL =
  'emulator mode (no MicrosoftAppId) only accepts activities whose serviceUrl is a loopback address (localhost, 127.0.0.0/8, [::1])';

// WHATWG URL parsing normalizes hosts (`0x7f.1` → `127.0.0.1`, `[0:0::1]` → `[::1]`, case folded),
// so the checks below see the address the reply would actually go to.
const IPV4_LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** True when `serviceUrl` is an http(s) URL whose host is this machine. */
export const isLoopbackServiceUrl = (serviceUrl: unknown): boolean => {
  if (typeof serviceUrl !== 'string') return false;
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  return url.hostname === 'localhost' || url.hostname === '[::1]' || IPV4_LOOPBACK.test(url.hostname);
};

/** What is safe to log of a refused serviceUrl: its host only (no credentials, path or query). */
const hostOf = (serviceUrl: unknown): string => {
  if (typeof serviceUrl !== 'string') return serviceUrl === undefined ? '(none)' : `(${typeof serviceUrl})`;
  try {
    return new URL(serviceUrl).host.slice(0, 100) || '(no host)';
  } catch {
    return '(not a URL)';
  }
};

/**
 * In emulator mode, the refusal for an activity whose serviceUrl is not loopback (logged once);
 * undefined when the activity may be processed.
 */
export const refuseNonLoopbackServiceUrl = (activity: Record<string, unknown>, logger: Logger): { status: 403; error: string } | undefined => {
  if (isLoopbackServiceUrl(activity.serviceUrl)) return undefined;
  logger.warn({ mode: 'emulator', serviceUrlHost: hostOf(activity.serviceUrl) }, 'Teams: activity refused, its serviceUrl is not a loopback address');
  return { status: 403, error: EMULATOR_SERVICE_URL_REFUSAL };
};
