/**
 * What every benchmark child process shares: argument parsing, building the runtime exactly as the
 * CLI does (loadConfig from environment-style values), and reporting one JSON line on stdout.
 */
import { loadConfig, type Embeddings } from '../src/config/config-schema.js';
import { createRuntime, type Runtime } from '../src/entry/runtime.js';

export const BENCH_TENANT = 'bench';

/** `--name value` pairs; a flag without a value is `'true'`. */
export const parseArguments = (argv: string[]): Map<string, string> => {
  const values = new Map<string, string>();
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index] ?? '';
    if (!argument.startsWith('--')) continue;
    const next = argv[index + 1];
    if (next !== undefined && !next.startsWith('--')) {
      values.set(argument.slice(2), next);
      index++;
    } else {
      values.set(argument.slice(2), 'true');
    }
  }
  return values;
};

export const requireArgument = (values: Map<string, string>, name: string): string => {
  const value = values.get(name);
  if (value === undefined) throw new Error(`missing --${name}`);
  return value;
};

export const parseEmbeddings = (value: string): Embeddings => {
  if (value === 'none' || value === 'hash' || value === 'use-lite') return value;
  throw new Error(`--embeddings must be none, hash or use-lite, not "${value}"`);
};

/** The runtime the CLI would build for these settings; the configuration path is measured too. */
export const openRuntime = async (options: { dataDirectory: string; embeddings: Embeddings }): Promise<Runtime> =>
  createRuntime(
    loadConfig({ RAGBOT_DATA_DIR: options.dataDirectory, RAGBOT_EMBEDDINGS: options.embeddings, RAGBOT_TENANT: BENCH_TENANT }),
  );

/** Milliseconds to three decimals: enough resolution, readable JSON. */
export const roundMs = (milliseconds: number): number => Math.round(milliseconds * 1000) / 1000;

/**
 * The child's result as the last line of stdout, with its peak resident set size. maxRSS is in
 * kilobytes and covers the whole process life, model loading and native LanceDB memory included.
 */
export const emitResult = (result: Record<string, unknown>): void => {
  const peakRssMb = Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
  process.stdout.write(`${JSON.stringify({ ...result, peakRssMb })}\n`);
};

/** Runs a scenario's main; an error becomes a non-zero exit with the message on stderr. */
export const runScenario = (main: () => Promise<void>): void => {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
};
