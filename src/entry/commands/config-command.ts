import { loadConfig, type Config } from '../../config/config-schema.js';
import { loadPolicyFile } from '../../config/policy-file.js';
import { describeError } from '../../core/bot-error.js';

const mask = (secret: string | undefined) => (secret ? `${secret.slice(0, 4)}…(${secret.length} characters)` : undefined);

/** The resolved configuration, secrets masked: what an operator wants to see before deploying. */
const describeConfig = (config: Config, slack: unknown, teams: unknown) => ({
  ...config,
  vectorStore: config.vectorStore.kind === 'pinecone' ? { ...config.vectorStore, apiKey: mask(config.vectorStore.apiKey) } : config.vectorStore,
  openai: { ...config.openai, apiKey: mask(config.openai.apiKey) },
  anthropic: { ...config.anthropic, apiKey: mask(config.anthropic.apiKey) },
  redisUrl: config.redisUrl?.replace(/\/\/[^@/]*@/, '//***@'),
  slack,
  teams,
});

/**
 * `ragbot config check`: loads everything the server would load (environment, Slack and Teams
 * settings, the policy file) and reports every problem at once; exit 0 only when all is valid.
 */
export const runConfigCheckCommand = async (environment: Record<string, string | undefined> = process.env): Promise<number> => {
  const problems: string[] = [];
  const attempt = async <T>(load: () => Promise<T> | T): Promise<T | undefined> => {
    try {
      return await load();
    } catch (error) {
      problems.push(describeError(error));
      return undefined;
    }
  };
  const config = await attempt(() => loadConfig(environment));
  const slackModule = await import('../../../adapters/slack/slack-config.js');
  const teamsModule = await import('../../../adapters/teams/teams-config.js');
  const slack = await attempt(() => slackModule.fromEnvironment(environment));
  const teams = await attempt(() => teamsModule.loadTeamsConfig(environment));
  if (config?.policyFile) await attempt(() => loadPolicyFile(config.policyFile as string));
  if (config) {
    const slackView = slack ? { ...slack, botToken: mask(slack.botToken), signingSecret: mask(slack.signingSecret), appToken: mask(slack.appToken) } : 'off';
    const teamsView = teams && 'appPassword' in teams ? { ...teams, appPassword: mask(String(teams.appPassword)) } : teams;
    console.log(JSON.stringify(describeConfig(config, slackView, teamsView), null, 2));
  }
  if (problems.length > 0) {
    console.error(`ragbot: configuration problems:\n${problems.map((problem) => `  ${problem.replaceAll('\n', '\n  ')}`).join('\n')}`);
    return 2;
  }
  console.error('ragbot: configuration is valid');
  return 0;
};
