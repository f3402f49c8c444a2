import { describe, expect, it } from 'vitest';
import { isBotError } from '../core/bot-error.js';
import { parsePolicy } from './policy-file.js';

const valid = `
tenants:
  T0ACME:
    collections:
      runbooks: { source: ./docs/runbooks }
      security: { source: ./docs/security }
      faq:
    roles:
      everyone: { collections: [faq] }
      netops: { channels: [C01NETOPS, "#netops-*"], collections: [runbooks] }
      secops: { channels: [C02SECOPS], collections: [runbooks, security] }
    admins: { users: [U0ADMIN], channels: [C03PLATFORM] }
    channels:
      "#inc-*": { followThreads: true }
`;

const problemsOf = (text: string): string => {
  try {
    parsePolicy(text, 'policy.yaml');
  } catch (error) {
    expect(isBotError(error, 'config_invalid')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected the policy to be rejected');
};

describe('the policy file', () => {
  it('parses tenants, collections with sources, roles, admins and channel behaviour', () => {
    const policy = parsePolicy(valid, '/etc/ragbot/policy.yaml');
    const tenant = policy.tenants.get('T0ACME');
    expect([...(tenant?.collections.keys() ?? [])]).toEqual(['runbooks', 'security', 'faq']);
    expect(tenant?.collections.get('runbooks')?.source).toBe('/etc/ragbot/docs/runbooks');
    expect(tenant?.roles.map((role) => [role.name, role.collections, role.channels.map((channel) => channel.source)])).toEqual([
      ['everyone', ['faq'], []],
      ['netops', ['runbooks'], ['C01NETOPS', '#netops-*']],
      ['secops', ['runbooks', 'security'], ['C02SECOPS']],
    ]);
    const netops = tenant?.roles[1]?.channels[1];
    expect(netops?.test({ id: 'C9', name: 'NetOps-Core' })).toBe(true);
    expect(netops?.test({ id: 'C9', name: 'netops' })).toBe(false);
    expect(tenant?.channels[0]?.followThreads).toBe(true);
  });

  it('rejects an unknown collection in a role, naming the key path and the defined ones', () => {
    expect(problemsOf(valid.replace('collections: [runbooks] }', 'collections: [runbook] }'))).toContain(
      'tenants.T0ACME.roles.netops.collections[0]: unknown collection "runbook" (defined: runbooks, security, faq)',
    );
  });

  it('rejects a tenant defined twice', () => {
    expect(problemsOf(`${valid}  T0ACME:\n    collections: { x: }\n    roles: {}\n`)).toMatch(/line \d+, column \d+: duplicate key/);
  });

  it('rejects an invalid glob', () => {
    expect(problemsOf(valid.replace('"#netops-*"', '"#netops-[a"'))).toContain(
      'tenants.T0ACME.roles.netops.channels[1]: channel "#netops-[a" uses unsupported glob syntax: only * and ? wildcards are allowed',
    );
  });

  it('rejects YAML syntax errors with their position', () => {
    expect(problemsOf('tenants:\n  T0ACME: [unclosed\n')).toMatch(/Invalid policy file policy\.yaml:\n {2}line \d+, column \d+: /);
  });

  it('rejects an empty file', () => {
    expect(problemsOf('')).toContain('the file is empty');
    expect(problemsOf('# only a comment\n')).toContain('the file is empty');
  });

  it('reports every problem at once, including unknown keys', () => {
    const message = problemsOf(
      valid.replace('collections: [faq] }', 'collections: [faqs] }').replace('followThreads: true', 'followThread: true').replace('"#inc-*"', '"#inc-**"'),
    );
    expect(message).toContain('tenants.T0ACME.channels.#inc-**: Unrecognized key: "followThread"');
    // Schema problems stop before cross-references are checked; fix them first, then the rest shows.
    const second = problemsOf(valid.replace('collections: [faq] }', 'collections: [faqs] }').replace('"#inc-*"', '"#inc-**"'));
    expect(second).toContain('unknown collection "faqs"');
    expect(second).toContain('channel "#inc-**" has "**"');
  });

  it('keeps channel entries in file order, numeric ids included', () => {
    const policy = parsePolicy(
      'tenants:\n  T1:\n    collections: { faq: }\n    roles: { everyone: { collections: [faq] } }\n    channels:\n      "#*": { allowExternal: true }\n      "12345": { allowExternal: false }\n',
      'policy.yaml',
    );
    expect(policy.tenants.get('T1')?.channels.map((entry) => entry.pattern.source)).toEqual(['#*', '12345']);
  });
});
