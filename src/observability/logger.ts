import pino from 'pino';
import type { Logger } from '../core/ports/logger.js';

// Token shapes worth catching even where nobody thought to redact them.
const TOKEN_PATTERNS = [
  /xox[abposr]-[A-Za-z0-9-]{6,}/g,
  /xapp-[A-Za-z0-9-]{6,}/g,
  /sk-(?:ant-)?[A-Za-z0-9_-]{6,}/g,
  /Bearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g,
];

export type LoggerOptions = {
  level?: string;
  /** Configured secrets: replaced wherever they appear, whatever their shape. */
  secrets?: string[];
  /** Question text is personal data: logged only when enabled. */
  logQuestions?: boolean;
  pretty?: boolean;
  destination?: pino.DestinationStream;
};

export const scrubSecrets = (text: string, secrets: string[]): string => {
  let scrubbed = text;
  for (const secret of secrets) if (secret.length >= 6) scrubbed = scrubbed.split(secret).join('[redacted]');
  for (const pattern of TOKEN_PATTERNS) scrubbed = scrubbed.replace(pattern, '[redacted]');
  return scrubbed;
};

const scrubValue = (value: unknown, secrets: string[], depth = 0): unknown => {
  if (typeof value === 'string') return scrubSecrets(value, secrets);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, secrets, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrubValue(item, secrets, depth + 1)]));
};

/** pino JSON logs (readable in a terminal), with tokens, secrets and, unless enabled, question text removed. */
export const createLogger = (options: LoggerOptions = {}): Logger & pino.Logger => {
  const secrets = (options.secrets ?? []).filter(Boolean);
  const paths = [
    'token', 'apiKey', 'password', 'secret', 'authorization', '*.token', '*.apiKey', '*.password', '*.secret', '*.authorization',
    'headers.authorization', 'request.headers.authorization', 'req.headers.authorization', '*.headers.authorization',
  ];
  if (!options.logQuestions) paths.push('question.text', 'text', '*.questionText', 'questionText');
  const transport = options.pretty ? pino.transport({ target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss' } }) : undefined;
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths, censor: '[redacted]' },
      formatters: { log: (object) => scrubValue(object, secrets) as Record<string, unknown> },
      hooks: {
        logMethod(inputArguments, method) {
          method.apply(this, inputArguments.map((argument) => (typeof argument === 'string' ? scrubSecrets(argument, secrets) : argument)) as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? transport,
  ) as Logger & pino.Logger;
};
