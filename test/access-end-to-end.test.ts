/**
 * The access rules end to end, through the CLI over the sample documents, policy and memberships
 * (examples/policy.yaml, examples/membership.yaml): admin-only indexing with an audit log, and the
 * same question answered, narrowed or refused depending on the channel it is asked in.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../src/core/ports/audit-sink.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

const QUESTION = "if it turns out customer personal data got out, what's the clock for telling our privacy officer and then the regulator?";

type JsonAnswer = {
  outcome: string;
  text: string;
  scope: string[];
  refusal?: string;
  citations: { n: number; title: string; section: string; path: string; collection: string; score: number }[];
};

describe('access control through the CLI over examples/', () => {
  let dataDirectory: string;
  let adminIndex: { code: number; stdout: string; stderr: string };

  const ragbot = async (args: string[]) => {
    // Only this test's configuration: nothing inherited from a developer's RAGBOT_* variables.
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('RAGBOT_')));
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/entry/cli.ts', ...args], {
        cwd: root,
        env: {
          ...inherited,
          RAGBOT_DATA_DIR: dataDirectory,
          RAGBOT_POLICY: 'examples/policy.yaml',
          RAGBOT_MEMBERSHIP_FILE: 'examples/membership.yaml',
          RAGBOT_TENANT: 'T0ACME',
        },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failure = error as { code: number; stdout: string; stderr: string };
      return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
    }
  };
  const askJson = async (user: string, channel: string): Promise<JsonAnswer> => {
    const result = await ragbot(['ask', QUESTION, '--user', user, '--channel', channel, '--json']);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as JsonAnswer;
  };
  const auditLog = async (): Promise<AuditEvent[]> =>
    (await readFile(join(dataDirectory, 'audit.jsonl'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as AuditEvent);

  beforeAll(async () => {
    dataDirectory = await mkdtemp(join(tmpdir(), 'ragbot-access-'));
    adminIndex = await ragbot(['index', '--user', 'U0ADMIN', '--json']);
  });
  afterAll(async () => {
    await rm(dataDirectory, { recursive: true, force: true });
  });

  it('lets an admin index every collection of the policy from its source', () => {
    expect(adminIndex.code, adminIndex.stderr).toBe(0);
    const summary = JSON.parse(adminIndex.stdout) as { tenant: string; failed: unknown[]; collections: { namespace: string; added: number }[] };
    expect(summary.tenant).toBe('T0ACME');
    expect(summary.failed).toEqual([]);
    expect(summary.collections.map((collection) => collection.namespace).sort()).toEqual([
      'T0ACME__faq', 'T0ACME__postmortems', 'T0ACME__runbooks', 'T0ACME__security', 'T0ACME__standards',
    ]);
    expect(summary.collections.every((collection) => collection.added > 0)).toBe(true);
  });

  it('refuses a non-admin’s index with exit code 3, and audit-logs both attempts', async () => {
    const refused = await ragbot(['index', '--user', 'U02BOB']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('U02BOB is not an admin of tenant T0ACME: only admins may index.');
    expect(refused.stdout).toBe('');
    const reindexes = (await auditLog()).filter((event) => event.action === 'reindex');
    expect(reindexes).toEqual([
      expect.objectContaining({ tenantId: 'T0ACME', userId: 'U0ADMIN', channelId: 'dm-U0ADMIN', outcome: 'allowed' }),
      expect.objectContaining({ tenantId: 'T0ACME', userId: 'U02BOB', channelId: 'dm-U02BOB', outcome: 'refused', reason: 'not an admin' }),
    ]);
  });

  it('answers a secops member in #secops from the security collection', async () => {
    const answer = await askJson('U01ALICE', 'C02SECOPS');
    expect(answer.outcome).toBe('answered');
    expect(answer.scope).toEqual(['faq', 'runbooks', 'security']);
    const security = answer.citations.filter((citation) => citation.collection === 'security');
    expect(security.length).toBeGreaterThan(0);
    // Under a policy each collection is indexed from its own source: paths are relative to examples/docs/security.
    for (const citation of security) expect(existsSync(join(root, 'examples/docs/security', citation.path))).toBe(true);
    expect(answer.text).toMatch(/24 hours/);
    expect(answer.text).toMatch(/72 hours/);
  });

  it('does not answer the same user from security in #netops, whose audience may not read it', async () => {
    const answer = await askJson('U01ALICE', 'C01NETOPS');
    expect(answer.outcome).toBe('no-answer');
    expect(answer.text).toContain('documents available here');
    expect(answer.scope).toEqual(['faq', 'postmortems', 'runbooks', 'standards']);
    expect(answer.citations.filter((citation) => citation.collection === 'security')).toEqual([]);
    expect(answer.text).not.toMatch(/72 hours/);
  });

  it('explains why: the asker reads security through secops, the #netops scope does not', async () => {
    const result = await ragbot(['access', 'explain', '--user', 'U01ALICE', '--channel', 'C01NETOPS', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const explained = JSON.parse(result.stdout) as { decision: string; scope: string[]; namespaces: string[]; admin: boolean; explanation: string[] };
    expect(explained).toMatchObject({
      decision: 'granted',
      scope: ['faq', 'postmortems', 'runbooks', 'standards'],
      namespaces: ['T0ACME__faq', 'T0ACME__postmortems', 'T0ACME__runbooks', 'T0ACME__standards'],
      admin: false,
    });
    expect(explained.explanation).toContain('asker: role secops → runbooks, security (member of C02SECOPS (#secops))');
    expect(explained.explanation.filter((line) => line.startsWith('channel C01NETOPS:') && line.includes('security'))).toEqual([]);
    expect(explained.explanation.at(-1)).toBe('scope: faq, postmortems, runbooks, standards');
  });

  it('refuses to answer in a channel shared with another organization, and audit-logs it', async () => {
    const answer = await askJson('U01ALICE', 'C12PARTNER');
    expect(answer).toMatchObject({ outcome: 'refused', refusal: 'external-channel', citations: [], scope: [] });
    expect((await auditLog()).filter((event) => event.action === 'ask')).toContainEqual(
      expect.objectContaining({ userId: 'U01ALICE', channelId: 'C12PARTNER', outcome: 'refused', reason: 'external-channel' }),
    );
  });

  it('explains a netops member in #secops: only what both may read', async () => {
    const result = await ragbot(['access', 'explain', '--user', 'U02BOB', '--channel', 'C02SECOPS']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      'tenant T0ACME, user U02BOB, channel C02SECOPS (private, #secops)',
      '  asker: role everyone → faq (applies to everyone in the tenant)',
      '  asker: role netops → runbooks, standards, postmortems (member of C01NETOPS (#netops))',
      '  channel C02SECOPS: role everyone → faq (applies to everyone in the tenant)',
      '  channel C02SECOPS: role secops → runbooks, security (member of C02SECOPS (#secops))',
      '  scope: faq, runbooks',
      'searches: T0ACME__faq, T0ACME__runbooks',
      'admin: no',
      '',
    ]);
  });
});
