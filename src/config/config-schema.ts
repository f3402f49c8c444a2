import { join } from 'node:path';
import { z } from 'zod';
import { BotError } from '../core/bot-error.js';
import { DEFAULT_RETRIEVAL_SETTINGS, type RetrievalSettings } from '../core/retrieval/retrieval-settings.js';

const optionalNumber = (minimum: number, maximum: number) =>
  z.preprocess(
    (value) => (value === undefined || value === '' ? undefined : Number(value)),
    z
      .number({ error: (issue) => (issue.code === 'invalid_type' ? 'must be a number' : undefined) })
      .min(minimum, `must be between ${minimum} and ${maximum}`)
      .max(maximum, `must be between ${minimum} and ${maximum}`)
      .optional(),
  );

/** Every environment variable the bot reads, with its default; the README's table mirrors it. */
export const environmentSchema = z.object({
  RAGBOT_DATA_DIR: z.string().min(1).default('./.ragbot'),
  RAGBOT_EMBEDDINGS: z.enum(['none', 'hash', 'use-lite'], { error: 'must be one of none, hash, use-lite' }).default('none'),
  RAGBOT_TENANT: z.string().min(1).default('default'),
  RAGBOT_DENSE_WEIGHT: optionalNumber(0, 1),
  RAGBOT_MIN_EVIDENCE: optionalNumber(0, 1),
  RAGBOT_POLICY: z.string().min(1).optional(),
  RAGBOT_MEMBERSHIP_FILE: z.string().min(1).optional(),
  RAGBOT_AUDIT_LOG: z.string().min(1).optional(),
});

export type Embeddings = z.infer<typeof environmentSchema>['RAGBOT_EMBEDDINGS'];

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
};

// Calibrated on eval/ (npm run eval): lexical carries technical text; these embedders only nudge it.
const DENSE_WEIGHTS: Record<Embeddings, number> = { none: 0, hash: 0.1, 'use-lite': 0.1 };

/** Parses the environment once at start-up; every problem is reported at once, by variable name. */
export const loadConfig = (environment: Record<string, string | undefined> = process.env): Config => {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
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
  };
  if (values.RAGBOT_POLICY) config.policyFile = values.RAGBOT_POLICY;
  if (values.RAGBOT_MEMBERSHIP_FILE) config.membershipFile = values.RAGBOT_MEMBERSHIP_FILE;
  return config;
};
