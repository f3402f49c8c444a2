import { z } from 'zod';

const optionalNumber = (minimum: number, maximum: number) =>
  z.preprocess(
    (value) => (value === undefined || value === '' ? undefined : Number(value)),
    z
      .number({ error: (issue) => (issue.code === 'invalid_type' ? 'must be a number' : undefined) })
      .min(minimum, `must be between ${minimum} and ${maximum}`)
      .max(maximum, `must be between ${minimum} and ${maximum}`)
      .optional(),
  );

/** A secret: present, one token, no spaces (a pasted key with a line break fails here, not at 3 a.m.). */
const secret = z
  .string()
  .trim()
  .min(1, 'is empty')
  .regex(/^\S+$/, 'must be a single token without spaces')
  .optional();

const url = z.url({ error: 'must be a URL such as http://localhost:8080' }).optional();

const ENGINES = ['none', 'hash', 'use-lite', 'openai'] as const;
const PROVIDERS = ['openai', 'anthropic', 'extractive'] as const;

/** Every environment variable the bot reads, with its default; the README's table mirrors it. */
export const environmentSchema = z.object({
  RAGBOT_DATA_DIR: z.string().min(1).default('./.ragbot'),
  RAGBOT_TENANT: z.string().min(1).default('default'),
  RAGBOT_EMBEDDINGS: z.enum(ENGINES, { error: `must be one of ${ENGINES.join(', ')}` }).default('none'),
  RAGBOT_EMBEDDING_MODEL: z.string().min(1).default('text-embedding-3-small'),
  RAGBOT_EMBEDDING_DIMENSIONS: optionalNumber(8, 8192),
  RAGBOT_DENSE_WEIGHT: optionalNumber(0, 1),
  RAGBOT_MIN_EVIDENCE: optionalNumber(0, 1),
  RAGBOT_VECTOR_STORE: z.enum(['lancedb', 'pinecone'], { error: 'must be lancedb or pinecone' }).default('lancedb'),
  PINECONE_API_KEY: secret,
  PINECONE_INDEX: z.string().min(1).optional(),
  PINECONE_HOST: url,
  PINECONE_CONTROLLER_HOST: url,
  OPENAI_API_KEY: secret,
  OPENAI_BASE_URL: url,
  RAGBOT_CHAT_MODEL: z.string().min(1).default('gpt-5.4-mini'),
  ANTHROPIC_API_KEY: secret,
  ANTHROPIC_BASE_URL: url,
  RAGBOT_ANTHROPIC_MODEL: z.string().min(1).default('claude-sonnet-5-5'),
  RAGBOT_LLM_ORDER: z
    .string()
    .transform((value) => value.split(',').map((part) => part.trim()).filter(Boolean))
    .pipe(z.array(z.enum(PROVIDERS, { error: `entries must be among ${PROVIDERS.join(', ')}` })))
    .optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
  RAGBOT_POLICY: z.string().min(1).optional(),
  RAGBOT_MEMBERSHIP_FILE: z.string().min(1).optional(),
  RAGBOT_AUDIT_LOG: z.string().min(1).optional(),
  PORT: optionalNumber(1, 65_535),
  RAGBOT_DOCS_DIR: z.string().min(1).default('examples/docs'),
  RAGBOT_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], { error: 'must be a pino level such as info or debug' }).default('info'),
  RAGBOT_LOG_QUESTIONS: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
  RAGBOT_WEB: z.enum(['true', 'false'], { error: 'must be true or false' }).default('true'),
  RAGBOT_RATE_LIMIT_USER: optionalNumber(1, 10_000),
  RAGBOT_RATE_LIMIT_CHANNEL: optionalNumber(1, 100_000),
  RAGBOT_SHUTDOWN_TIMEOUT_MS: optionalNumber(0, 600_000),
});

export type Environment = z.infer<typeof environmentSchema>;

/** Rules across variables; each problem names the variable to set. */
export const crossCheck = (environment: Environment): string[] => {
  const problems: string[] = [];
  if (environment.RAGBOT_VECTOR_STORE === 'pinecone') {
    if (!environment.PINECONE_API_KEY) problems.push('PINECONE_API_KEY: is missing; RAGBOT_VECTOR_STORE=pinecone needs it');
    if (!environment.PINECONE_INDEX && !environment.PINECONE_HOST) problems.push('PINECONE_INDEX: is missing; name the index (or set PINECONE_HOST)');
    if (environment.RAGBOT_EMBEDDINGS === 'none') {
      problems.push('RAGBOT_EMBEDDINGS: Pinecone stores dense vectors; set it to openai (or use-lite) with RAGBOT_VECTOR_STORE=pinecone');
    }
  }
  if (environment.RAGBOT_EMBEDDINGS === 'openai' && !environment.OPENAI_API_KEY && !environment.OPENAI_BASE_URL) {
    problems.push('OPENAI_API_KEY: is missing; RAGBOT_EMBEDDINGS=openai needs it (or OPENAI_BASE_URL for a self-hosted compatible server)');
  }
  for (const provider of environment.RAGBOT_LLM_ORDER ?? []) {
    if (provider === 'openai' && !environment.OPENAI_API_KEY && !environment.OPENAI_BASE_URL) {
      problems.push('OPENAI_API_KEY: is missing; RAGBOT_LLM_ORDER lists openai');
    }
    if (provider === 'anthropic' && !environment.ANTHROPIC_API_KEY) problems.push('ANTHROPIC_API_KEY: is missing; RAGBOT_LLM_ORDER lists anthropic');
  }
  return problems;
};
