import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { BotError } from '../../core/bot-error.js';
import { createMemoryMembershipDirectory } from '../memory/memory-membership-directory.js';

const fixtureSchema = z.strictObject({
  tenants: z.record(
    z.string(),
    z.strictObject({
      users: z.record(z.string(), z.array(z.string())).default({}),
      channels: z
        .record(
          z.string(),
          z.strictObject({
            name: z.string().optional(),
            kind: z.enum(['public', 'private', 'dm', 'group']).default('public'),
            external: z.boolean().default(false),
          }),
        )
        .default({}),
    }),
  ),
});

/**
 * Memberships from a YAML file, for running locally without a chat platform:
 * `tenants.<id>.users.<user>: [channel ids]` and `tenants.<id>.channels.<id>: { name, kind, external }`.
 */
export const loadFixtureMembershipDirectory = async (file: string) => {
  let data: unknown;
  try {
    data = parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new BotError('config_invalid', `RAGBOT_MEMBERSHIP_FILE ${file} cannot be read: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = fixtureSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    throw new BotError('config_invalid', `Invalid membership file ${file}:\n  ${problems.join('\n  ')}`);
  }
  const tenants = Object.fromEntries(
    Object.entries(parsed.data.tenants).map(([tenantId, tenant]) => [
      tenantId,
      {
        users: tenant.users,
        channels: Object.fromEntries(
          Object.entries(tenant.channels).map(([id, channel]) => [id, channel.name ? channel : { kind: channel.kind, external: channel.external }]),
        ),
      },
    ]),
  );
  return createMemoryMembershipDirectory({ tenants });
};
