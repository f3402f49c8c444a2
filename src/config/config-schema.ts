import { join } from 'node:path';
import { BotError } from '../core/bot-error.js';
import { DEFAULT_RETRIEVAL_SETTINGS, type RetrievalSettings } from '../core/retrieval/retrieval-settings.js';
import { crossCheck, environmentSchema, type Environment } from './environment-schema.js';

export type Embeddings = Environment['RAGBOT_EMBEDDINGS'];
export type LanguageModelName = 'openai' | 'anthropic' | 'extractive';

export type Config = {
  dataDirectory: string;
  embeddings: Embeddings;
  defaultTenant: string;
  retrieval: RetrievalSettings;
  /** The access policy file; without one, the local tenant's collections are open to its users. */
  policyFile?: string;
  /** Memberships from a YAML fixture, for local use without a chat platform. */
  membershipFile?: string;
  auditLogFile: string;
  vectorStore: { kind: 'lancedb' } | { kind: 'pinecone'; apiKey: string; index: string; host?: string; controllerHost?: string };
  openai: { apiKey?: string; baseURL?: string; embeddingModel: string; embeddingDimensions?: number; chatModel: string };
  anthropic: { apiKey?: string; baseURL?: string; model: string };
  /** Answerers in failover order; the extractive answerer is always last. */
  languageModels: LanguageModelName[];
  redisUrl?: string;
  server: {
    port: number;
    /** Indexed on start when there is no policy: the embedded try-it path. */
    docsDirectory: string;
    logLevel: string;
    logQuestions: boolean;
    web: boolean;
    /** Questions per minute. */
    rateLimits: { perUser: number; perChannel: number };
    shutdownTimeoutMs: number;
  };
};

// Calibrated on eval/ (npm run eval, --production): lexical carries technical text and embeddings only
// nudge the ranking. OpenAI's weight could not be measured offline on real vectors: it is set where
// the production-mode eval is never below lexical-only; raise it with RAGBOT_DENSE_WEIGHT after measuring.
const DENSE_WEIGHTS: Record<Embeddings, number> = { none: 0, hash: 0.1, 'use-lite': 0.1, openai: 0.1 };

/** Without RAGBOT_LLM_ORDER: every provider with a key, OpenAI first, then the extractive answerer. */
const languageModelOrder = (environment: Environment): LanguageModelName[] => {
  const configured = environment.RAGBOT_LLM_ORDER ?? [
    ...(environment.OPENAI_API_KEY ? (['openai'] as const) : []),
    ...(environment.ANTHROPIC_API_KEY ? (['anthropic'] as const) : []),
  ];
  return [...new Set([...configured.filter((name) => name !== 'extractive'), 'extractive' as const])];
};

/** Parses the environment once at start-up; every problem is reported at once, by variable name. */
export const loadConfig = (environment: Record<string, string | undefined> = process.env): Config => {
  const parsed = environmentSchema.safeParse(environment);
  // Cross-variable rules run on whatever parsed, so one bad value does not hide the other problems.
  const lenient = Object.fromEntries(
    Object.entries(environmentSchema.shape).map(([key, schema]) => {
      const field = schema.safeParse(environment[key]);
      return [key, field.success ? field.data : undefined];
    }),
  ) as Environment;
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)),
    ...crossCheck(parsed.success ? parsed.data : lenient),
  ];
  if (!parsed.success || problems.length > 0) {
    throw new BotError('config_invalid', `Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const values = parsed.data;
  const config: Config = {
    dataDirectory: values.RAGBOT_DATA_DIR,
    embeddings: values.RAGBOT_EMBEDDINGS,
    defaultTenant: values.RAGBOT_TENANT,
    retrieval: {
      ...DEFAULT_RETRIEVAL_SETTINGS,
      denseWeight: values.RAGBOT_DENSE_WEIGHT ?? DENSE_WEIGHTS[values.RAGBOT_EMBEDDINGS],
      minEvidence: values.RAGBOT_MIN_EVIDENCE ?? DEFAULT_RETRIEVAL_SETTINGS.minEvidence,
    },
    auditLogFile: values.RAGBOT_AUDIT_LOG ?? join(values.RAGBOT_DATA_DIR, 'audit.jsonl'),
    vectorStore:
      values.RAGBOT_VECTOR_STORE === 'pinecone'
        ? {
            kind: 'pinecone', apiKey: values.PINECONE_API_KEY ?? '', index: values.PINECONE_INDEX ?? 'ragbot',
            ...(values.PINECONE_HOST ? { host: values.PINECONE_HOST } : {}),
            ...(values.PINECONE_CONTROLLER_HOST ? { controllerHost: values.PINECONE_CONTROLLER_HOST } : {}),
          }
        : { kind: 'lancedb' },
    openai: {
      embeddingModel: values.RAGBOT_EMBEDDING_MODEL, chatModel: values.RAGBOT_CHAT_MODEL,
      ...(values.OPENAI_API_KEY ? { apiKey: values.OPENAI_API_KEY } : {}),
      ...(values.OPENAI_BASE_URL ? { baseURL: values.OPENAI_BASE_URL } : {}),
      ...(values.RAGBOT_EMBEDDING_DIMENSIONS ? { embeddingDimensions: values.RAGBOT_EMBEDDING_DIMENSIONS } : {}),
    },
    anthropic: {
      model: values.RAGBOT_ANTHROPIC_MODEL,
      ...(values.ANTHROPIC_API_KEY ? { apiKey: values.ANTHROPIC_API_KEY } : {}),
      ...(values.ANTHROPIC_BASE_URL ? { baseURL: values.ANTHROPIC_BASE_URL } : {}),
    },
    languageModels: languageModelOrder(values),
    server: {
      port: values.PORT ?? 3000,
      docsDirectory: values.RAGBOT_DOCS_DIR,
      logLevel: values.RAGBOT_LOG_LEVEL,
      logQuestions: values.RAGBOT_LOG_QUESTIONS === 'true',
      web: values.RAGBOT_WEB === 'true',
      rateLimits: { perUser: values.RAGBOT_RATE_LIMIT_USER ?? 20, perChannel: values.RAGBOT_RATE_LIMIT_CHANNEL ?? 60 },
      shutdownTimeoutMs: values.RAGBOT_SHUTDOWN_TIMEOUT_MS ?? 20_000,
    },
  };
  if (values.RAGBOT_POLICY) config.policyFile = values.RAGBOT_POLICY;
  if (values.RAGBOT_MEMBERSHIP_FILE) config.membershipFile = values.RAGBOT_MEMBERSHIP_FILE;
  if (values.REDIS_URL) config.redisUrl = values.REDIS_URL;
  return config;
};
