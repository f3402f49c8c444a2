#!/usr/bin/env node
import { Command, Option } from 'commander';
import { loadConfig } from '../config/config-schema.js';
import { isBotError } from '../core/bot-error.js';
import { runAccessExplainCommand } from './commands/access-command.js';
import { runAskCommand } from './commands/ask-command.js';
import { runIndexCommand } from './commands/index-command.js';
import { runServeCommand } from './commands/serve-command.js';
import { createRuntime, type Runtime } from './runtime.js';

type IndexFlags = {
  collection?: string; tenant?: string; full?: boolean; dryRun?: boolean; ignore?: string[]; json?: boolean; user?: string; channel?: string;
};

const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((part) => part.trim()).filter(Boolean)];

/** Builds the runtime for one command and always closes it, whatever the command did. */
const withRuntime = async (run: (runtime: Runtime, defaultTenant: string) => Promise<number>) => {
  const config = loadConfig();
  const runtime = await createRuntime(config);
  try {
    process.exitCode = await run(runtime, config.defaultTenant);
  } finally {
    await runtime.close();
  }
};

const USAGE_ERRORS = new Set(['config_invalid', 'question_invalid', 'input_invalid']);

const program = new Command('ragbot')
  .description('Answers questions from your documentation, with citations.')
  .showHelpAfterError();

program
  .command('index')
  .description('Index a directory of documents (incrementally: only changed files are re-read).')
  .argument('[directory]', 'the documents; without --collection each sub-folder is a collection (under a policy, defaults to its sources)')
  .option('-c, --collection <name>', 'index the whole directory as this collection')
  .option('-t, --tenant <id>', 'the tenant the collection belongs to (default: RAGBOT_TENANT or "default")')
  .option('--full', 'rebuild from scratch (needed after changing the embedder)')
  .option('--dry-run', 'report what would change without writing anything')
  .option('--ignore <pattern>', 'gitignore-style pattern to skip (repeatable)', collect)
  .option('-u, --user <id>', 'under a policy: the admin running the index')
  .option('--channel <id>', 'under a policy: the channel the admin acts from (default: a DM)')
  .option('--json', 'print one JSON object instead of text')
  .action((directory: string | undefined, flags: IndexFlags) =>
    withRuntime((runtime, defaultTenant) =>
      runIndexCommand(runtime, { ...flags, ...(directory ? { directory } : {}), tenant: flags.tenant ?? defaultTenant }),
    ),
  );

program
  .command('ask')
  .description('Answer a question from the indexed documents.')
  .argument('<question>', 'the question, in quotes')
  .addOption(new Option('-c, --collection <names>', 'search only these collections (comma-separated or repeated)').argParser(collect))
  .option('-t, --tenant <id>', 'the tenant to search (default: RAGBOT_TENANT or "default")')
  .option('-u, --user <id>', 'under a policy: the user asking')
  .option('--channel <id>', 'under a policy: the channel asked in, or "dm"')
  .option('--json', 'print { outcome, text, citations } as JSON')
  .action((question: string, flags: { collection?: string[]; tenant?: string; user?: string; channel?: string; json?: boolean }) =>
    withRuntime((runtime, defaultTenant) =>
      runAskCommand(runtime, { ...flags, question, tenant: flags.tenant ?? defaultTenant, json: flags.json ?? false, collections: flags.collection ?? [] }),
    ),
  );

program
  .command('config')
  .description('Inspect the configuration.')
  .command('check')
  .description('Print the resolved configuration with secrets masked, and every problem at once.')
  .action(async () => {
    const { runConfigCheckCommand } = await import('./commands/config-command.js');
    process.exitCode = await runConfigCheckCommand();
  });

program
  .command('serve')
  .description('Serve Slack, Teams, the web page, /metrics, /healthz and /readyz on one port.')
  .option('-p, --port <port>', 'the port (default: PORT or 3000)', (value) => Number(value))
  .action(async (flags: { port?: number }) => {
    process.exitCode = await runServeCommand(loadConfig(), flags.port ? { port: flags.port } : {});
  });

program
  .command('access')
  .description('Inspect the access policy.')
  .command('explain')
  .description('Print the roles, the scope and the reason for each, for a user in a channel.')
  .option('-t, --tenant <id>', 'the tenant (default: RAGBOT_TENANT or "default")')
  .requiredOption('-u, --user <id>', 'the user')
  .requiredOption('--channel <id>', 'the channel, or "dm"')
  .option('--json', 'print the decision as JSON')
  .action((flags: { tenant?: string; user: string; channel: string; json?: boolean }) =>
    withRuntime((runtime, defaultTenant) => runAccessExplainCommand(runtime, { ...flags, tenant: flags.tenant ?? defaultTenant })),
  );

program
  .command('report')
  .description('Report feedback and answer quality: satisfaction by collection, worst-rated and outdated answers, unanswered questions, latency.')
  .option('--since <period>', 'how far back: 30m, 12h, 7d or 2w', '7d')
  .addOption(new Option('--json', 'print one JSON object').conflicts('html'))
  .addOption(new Option('--html', 'a self-contained HTML page with charts').conflicts('json'))
  .option('-o, --output <file>', 'write the report to this file instead of standard output')
  .option('--limit <n>', 'answers listed per section (default 20)', (value) => Number(value))
  .action(async (flags: { since: string; json?: boolean; html?: boolean; output?: string; limit?: number }) => {
    const { runReportCommand } = await import('./commands/report-command.js');
    await withRuntime((runtime) => runReportCommand(runtime, flags));
  });

program.parseAsync().catch((error: unknown) => {
  if (isBotError(error)) {
    console.error(`ragbot: ${error.message}`);
    process.exitCode = USAGE_ERRORS.has(error.code) ? 2 : error.code === 'access_denied' ? 3 : 1;
    return;
  }
  console.error(error);
  process.exitCode = 1;
});
