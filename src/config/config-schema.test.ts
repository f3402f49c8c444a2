import { describe, expect, it } from 'vitest';
import { isBotError } from '../core/bot-error.js';
import { DEFAULT_RETRIEVAL_SETTINGS } from '../core/retrieval/retrieval-settings.js';
import { loadConfig } from './config-schema.js';

describe('loadConfig', () => {
  it('runs on the embedded defaults with no configuration at all', () => {
    expect(loadConfig({})).toEqual({
      dataDirectory: './.ragbot',
      embeddings: 'none',
      defaultTenant: 'default',
      retrieval: { ...DEFAULT_RETRIEVAL_SETTINGS, denseWeight: 0 },
      auditLogFile: '.ragbot/audit.jsonl',
    });
  });

  it('uses the calibrated dense weight of the chosen embedder unless overridden', () => {
    expect(loadConfig({ RAGBOT_EMBEDDINGS: 'hash' }).retrieval.denseWeight).toBe(0.1);
    expect(loadConfig({ RAGBOT_EMBEDDINGS: 'hash', RAGBOT_DENSE_WEIGHT: '0.5' }).retrieval.denseWeight).toBe(0.5);
  });

  it('names every invalid variable at once', () => {
    const error = (() => {
      try {
        loadConfig({ RAGBOT_EMBEDDINGS: 'bert', RAGBOT_DENSE_WEIGHT: '2', RAGBOT_MIN_EVIDENCE: 'high' });
      } catch (caught) {
        return caught;
      }
    })();
    expect(isBotError(error, 'config_invalid')).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('RAGBOT_EMBEDDINGS: must be one of none, hash, use-lite');
    expect(message).toContain('RAGBOT_DENSE_WEIGHT: must be between 0 and 1');
    expect(message).toContain('RAGBOT_MIN_EVIDENCE: must be a number');
  });
});
