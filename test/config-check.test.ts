import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const check = (environment: Record<string, string>) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/entry/cli.ts', 'config', 'check'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...environment },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

describe('ragbot config check', () => {
  it('prints the resolved configuration with every secret masked', async () => {
    const result = await check({ OPENAI_API_KEY: 'sk-live-0123456789abcdef', SLACK_BOT_TOKEN: 'xoxb-1111-2222-abcdef', SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99yyyzzz85a5'.replace(/[yz]/g, 'e') });
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed.openai.apiKey).toBe('sk-l…(24 characters)');
    expect(printed.slack.botToken).toMatch(/^xoxb…/);
    expect(result.stdout).not.toContain('0123456789abcdef');
    expect(result.stdout).not.toContain('8f742231b10e8888abcd99eee');
    expect(result.stderr).toContain('configuration is valid');
  });

  it('lists every problem at once, across the environment, Slack and the policy, and exits 2', async () => {
    const result = await check({ RAGBOT_EMBEDDINGS: 'bert', SLACK_BOT_TOKEN: 'xoxb-1', RAGBOT_POLICY: 'examples/no-such-policy.yaml' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('RAGBOT_EMBEDDINGS: must be one of');
    expect(result.stderr).toContain('SLACK_SIGNING_SECRET: is missing');
  });
});
