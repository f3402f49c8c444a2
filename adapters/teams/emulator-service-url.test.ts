import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src/core/ports/logger.js';
import { EMULATOR_SERVICE_URL_REFUSAL, isLoopbackServiceUrl, refuseNonLoopbackServiceUrl } from './emulator-service-url.js';

describe('the loopback serviceUrls emulator mode accepts', () => {
  it.each([
    'http://localhost:3978',
    'https://localhost/',
    'http://LOCALHOST:3978/v3/',
    'http://127.0.0.1:55123',
    'http://127.1.2.3/',
    'http://0x7f.1:3978', // normalized to 127.0.0.1 by the URL parser
    'http://[::1]:3978/',
    'http://[0:0:0:0:0:0:0:1]/',
    'http://user:pass@127.0.0.1:3978/', // credentials do not change where it connects
  ])('accepts %s', (serviceUrl) => {
    expect(isLoopbackServiceUrl(serviceUrl)).toBe(true);
  });

  it.each([
    'http://10.255.255.1:3978',
    'https://smba.trafficmanager.net/amer/',
    'http://169.254.169.254/latest/meta-data/',
    'http://0.0.0.0:3978',
    'http://128.0.0.1/',
    'http://[::ffff:127.0.0.1]/',
    'http://127.0.0.1.example.com/',
    'http://localhost.example.com/',
    'http://127.0.0.1@example.com/',
    'ftp://127.0.0.1/',
    'file:///etc/passwd',
    'not a url',
    '',
  ])('refuses %s', (serviceUrl) => {
    expect(isLoopbackServiceUrl(serviceUrl)).toBe(false);
  });

  it('refuses a missing or non-string serviceUrl', () => {
    for (const serviceUrl of [undefined, null, 42, { href: 'http://127.0.0.1' }, ['http://127.0.0.1']]) expect(isLoopbackServiceUrl(serviceUrl)).toBe(false);
  });
});

describe('refusing an emulator-mode activity', () => {
  const recordingLogger = () => {
    const warnings: { fields: Record<string, unknown>; message?: string }[] = [];
    const logger: Logger = {
      info: () => undefined, error: () => undefined, debug: () => undefined, child: () => logger,
      warn: (fields, message) => void warnings.push({ fields, ...(message ? { message } : {}) }),
    };
    return { logger, warnings };
  };

  it('answers 403 and logs one warning naming only the host, never credentials, path or query', () => {
    const { logger, warnings } = recordingLogger();
    const refusal = refuseNonLoopbackServiceUrl({ type: 'message', serviceUrl: 'https://user:s3cret@connector.example:8443/v3/?token=abc' }, logger);
    expect(refusal).toEqual({ status: 403, error: EMULATOR_SERVICE_URL_REFUSAL });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.fields).toEqual({ mode: 'emulator', serviceUrlHost: 'connector.example:8443' });
    expect(JSON.stringify(warnings)).not.toMatch(/s3cret|token=abc|user/);
  });

  it('lets a loopback activity through without a word', () => {
    const { logger, warnings } = recordingLogger();
    expect(refuseNonLoopbackServiceUrl({ type: 'message', serviceUrl: 'http://127.0.0.1:3978' }, logger)).toBeUndefined();
    expect(warnings).toEqual([]);
  });
});
