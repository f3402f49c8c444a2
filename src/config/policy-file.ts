import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import type { AccessPolicy, TenantPolicy } from '../core/access/access-policy.js';
import { channelPatternProblem, compileChannelPattern } from '../core/access/channel-pattern.js';
import { BotError } from '../core/bot-error.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const nameProblem = (name: string) =>
  NAME.test(name) && !name.includes('__') ? undefined : 'use letters, digits, ".", "-" or "_" (no "__"), at most 63 characters';

const strings = z.array(z.string().min(1, 'must not be empty'));
const tenantSchema = z.strictObject({
  collections: z.record(z.string(), z.strictObject({ source: z.string().min(1).optional() }).nullable()),
  roles: z.record(z.string(), z.strictObject({ channels: strings.optional(), collections: strings })),
  admins: z.strictObject({ users: strings.default([]), channels: strings.default([]) }).default({ users: [], channels: [] }),
  channels: z
    .record(z.string(), z.strictObject({ followThreads: z.boolean().optional(), allowExternal: z.boolean().optional() }))
    .default({}),
});
const policySchema = z.strictObject({ tenants: z.record(z.string(), tenantSchema) });
type PolicyFile = z.infer<typeof policySchema>;

const pathOf = (path: PropertyKey[]) =>
  path.map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index ? '.' : ''}${String(key)}`)).join('') || '(top level)';

/** Cross-references the schema cannot express: names, patterns, roles naming defined collections. */
const semanticProblems = (file: PolicyFile): string[] => {
  const problems: string[] = [];
  const pattern = (where: string, value: string) => {
    const problem = channelPatternProblem(value);
    if (problem) problems.push(`${where}: channel "${value}" ${problem}`);
  };
  if (Object.keys(file.tenants).length === 0) problems.push('tenants: define at least one tenant');
  for (const [tenantId, tenant] of Object.entries(file.tenants)) {
    const at = `tenants.${tenantId}`;
    const tenantProblem = nameProblem(tenantId);
    if (tenantProblem) problems.push(`${at}: invalid tenant id: ${tenantProblem}`);
    const defined = Object.keys(tenant.collections);
    if (defined.length === 0) problems.push(`${at}.collections: define at least one collection`);
    for (const collection of defined) {
      const problem = nameProblem(collection);
      if (problem) problems.push(`${at}.collections.${collection}: invalid collection name: ${problem}`);
    }
    for (const [roleName, role] of Object.entries(tenant.roles)) {
      role.collections.forEach((collection, index) => {
        if (!defined.includes(collection)) {
          problems.push(`${at}.roles.${roleName}.collections[${index}]: unknown collection "${collection}" (defined: ${defined.join(', ') || 'none'})`);
        }
      });
      role.channels?.forEach((channel, index) => pattern(`${at}.roles.${roleName}.channels[${index}]`, channel));
    }
    tenant.admins.channels.forEach((channel, index) => pattern(`${at}.admins.channels[${index}]`, channel));
    for (const channel of Object.keys(tenant.channels)) pattern(`${at}.channels`, channel);
  }
  return problems;
};

/**
 * Channel entries in file order. JavaScript objects put integer-like keys ("12345") first, which
 * would reorder "later entries override earlier ones"; the YAML document keeps the written order.
 */
const channelKeysInFileOrder = (document: Document, tenantId: string): string[] => {
  const node = document.getIn(['tenants', tenantId, 'channels'], true);
  return isMap(node) ? node.items.map((item) => String(isScalar(item.key) ? item.key.value : item.key)) : [];
};

const toPolicy = (file: PolicyFile, baseDirectory: string, document: Document): AccessPolicy => {
  const tenants = new Map<string, TenantPolicy>();
  for (const [id, tenant] of Object.entries(file.tenants)) {
    tenants.set(id, {
      id,
      collections: new Map(
        Object.entries(tenant.collections).map(([name, collection]) => [name, collection?.source ? { source: resolve(baseDirectory, collection.source) } : {}]),
      ),
      roles: Object.entries(tenant.roles).map(([name, role]) => ({
        name, collections: role.collections, channels: (role.channels ?? []).map(compileChannelPattern),
      })),
      admins: { users: tenant.admins.users, channels: tenant.admins.channels.map(compileChannelPattern) },
      channels: channelKeysInFileOrder(document, id)
        .filter((pattern) => tenant.channels[pattern] !== undefined)
        .map((pattern) => ({ pattern: compileChannelPattern(pattern), ...tenant.channels[pattern] })),
    });
  }
  return { tenants };
};

/** Parses and validates a policy; every problem is reported at once, by file and key path. */
export const parsePolicy = (text: string, file: string): AccessPolicy => {
  const fail = (problems: string[]): never => {
    throw new BotError('config_invalid', `Invalid policy file ${file}:\n  ${problems.join('\n  ')}`);
  };
  const lines = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter: lines });
  if (document.errors.length > 0) {
    fail(document.errors.map((error) => {
      const position = lines.linePos(error.pos[0]);
      const where = `line ${position.line}, column ${position.col}`;
      return `${where}: ${error.code === 'DUPLICATE_KEY' ? 'duplicate key (a tenant, collection or role defined twice)' : error.message.split('\n')[0]}`;
    }));
  }
  if (document.contents === null || (isScalar(document.contents) && document.contents.value === null)) {
    fail(['the file is empty: define tenants with their collections and roles']);
  }
  if (!isMap(document.contents)) fail(['(top level): expected a mapping with a "tenants" key']);
  const parsed = policySchema.safeParse(document.toJS());
  if (!parsed.success) fail(parsed.error.issues.map((issue) => `${pathOf(issue.path)}: ${issue.message}`));
  const valid = parsed.data as PolicyFile;
  const problems = semanticProblems(valid);
  if (problems.length > 0) fail(problems);
  return toPolicy(valid, dirname(file), document);
};

export const loadPolicyFile = async (file: string): Promise<AccessPolicy> => {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new BotError('config_invalid', `RAGBOT_POLICY points at ${file}, which cannot be read (${error.code ?? error.message}).`);
  });
  return parsePolicy(text, file);
};
