import { describe, expect, it } from 'vitest';
import { isBotError } from '../core/bot-error.js';
import { DEFAULT_RETRIEVAL_SETTINGS } from '../core/retrieval/retrieval-settings.js';
import { loadConfig } from './config-schema.js';

const problemsOf = (environment: Record<string, string>): string => {
  try {
    loadConfig(environment);
  } catch (error) {
    expect(isBotError(error, 'config_invalid')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be rejected');
};

describe('loadConfig', () => {
  it('runs on the embedded defaults with no configuration at all', () => {
    expect(loadConfig({})).toMatchObject({
      dataDirectory: './.ragbot',
      embeddings: 'none',
      defaultTenant: 'default',
      retrieval: { ...DEFAULT_RETRIEVAL_SETTINGS, denseWeight: 0 },
      auditLogFile: '.ragbot/audit.jsonl',
      vectorStore: { kind: 'lancedb' },
      languageModels: ['extractive'],
    });
  });

  it('uses the calibrated dense weight of the chosen embedder unless overridden', () => {
    expect(loadConfig({ RAGBOT_EMBEDDINGS: 'hash' }).retrieval.denseWeight).toBe(0.1);
    expect(loadConfig({ RAGBOT_EMBEDDINGS: 'hash', RAGBOT_DENSE_WEIGHT: '0.5' }).retrieval.denseWeight).toBe(0.5);
  });

  it('orders the answerers by the keys present, or as configured, always ending with the extractive one', () => {
    expect(loadConfig({ OPENAI_API_KEY: 'sk-1', ANTHROPIC_API_KEY: 'sk-ant-1' }).languageModels).toEqual(['openai', 'anthropic', 'extractive']);
    expect(loadConfig({ OPENAI_API_KEY: 'sk-1', ANTHROPIC_API_KEY: 'sk-ant-1', RAGBOT_LLM_ORDER: 'anthropic,openai' }).languageModels).toEqual([
      'anthropic', 'openai', 'extractive',
    ]);
  });

  it('configures Pinecone with OpenAI embeddings from the usual variable names', () => {
    const config = loadConfig({
      RAGBOT_VECTOR_STORE: 'pinecone', PINECONE_API_KEY: 'pc-1', PINECONE_INDEX: 'docs', PINECONE_HOST: 'http://127.0.0.1:9999',
      RAGBOT_EMBEDDINGS: 'openai', OPENAI_API_KEY: 'sk-1', OPENAI_BASE_URL: 'http://127.0.0.1:8080/v1', REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(config.vectorStore).toEqual({ kind: 'pinecone', apiKey: 'pc-1', index: 'docs', host: 'http://127.0.0.1:9999' });
    expect(config.openai).toMatchObject({ apiKey: 'sk-1', baseURL: 'http://127.0.0.1:8080/v1', embeddingModel: 'text-embedding-3-small' });
    expect(config.retrieval.denseWeight).toBe(0.1);
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
  });

  it('names every invalid variable at once', () => {
    const message = problemsOf({ RAGBOT_EMBEDDINGS: 'bert', RAGBOT_DENSE_WEIGHT: '2', RAGBOT_MIN_EVIDENCE: 'high', REDIS_URL: 'localhost:6379' });
    expect(message).toContain('RAGBOT_EMBEDDINGS: must be one of none, hash, use-lite, openai');
    expect(message).toContain('RAGBOT_DENSE_WEIGHT: must be between 0 and 1');
    expect(message).toContain('RAGBOT_MIN_EVIDENCE: must be a number');
    expect(message).toContain('REDIS_URL: must start with redis:// or rediss://');
  });

  it('names the missing key a backend needs', () => {
    const message = problemsOf({ RAGBOT_VECTOR_STORE: 'pinecone', RAGBOT_EMBEDDINGS: 'openai', RAGBOT_LLM_ORDER: 'anthropic' });
    expect(message).toContain('PINECONE_API_KEY: is missing');
    expect(message).toContain('PINECONE_INDEX: is missing');
    expect(message).toContain('OPENAI_API_KEY: is missing; RAGBOT_EMBEDDINGS=openai needs it');
    expect(message).toContain('ANTHROPIC_API_KEY: is missing; RAGBOT_LLM_ORDER lists anthropic');
  });

  it('rejects a malformed key and an unknown answerer', () => {
    const message = problemsOf({ OPENAI_API_KEY: 'sk-1 sk-2', RAGBOT_LLM_ORDER: 'openai,gemini' });
    expect(message).toContain('OPENAI_API_KEY: must be a single token without spaces');
    expect(message).toMatch(/RAGBOT_LLM_ORDER.*entries must be among openai, anthropic, extractive/);
  });
});
