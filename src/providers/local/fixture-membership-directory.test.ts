import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotError } from '../../core/bot-error.js';
import { loadFixtureMembershipDirectory } from './fixture-membership-directory.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/membership.yaml', import.meta.url));

describe('the fixture membership directory', () => {
  describe('over examples/membership.yaml', () => {
    it('lists a user’s channels with their names', async () => {
      const directory = await loadFixtureMembershipDirectory(EXAMPLE);
      expect(await directory.channelsOf({ tenantId: 'T0ACME', userId: 'U01ALICE' })).toEqual([
        { id: 'C01NETOPS', name: 'netops' },
        { id: 'C02SECOPS', name: 'secops' },
        { id: 'C10INC2231', name: 'inc-2231' },
      ]);
      expect(await directory.channelsOf({ tenantId: 'T0ACME', userId: 'U0ADMIN' })).toEqual([{ id: 'C11RANDOM', name: 'random' }]);
    });

    it('describes channels with their kind and external flag, defaulting to not external', async () => {
      const directory = await loadFixtureMembershipDirectory(EXAMPLE);
      expect(await directory.channelInfo({ tenantId: 'T0ACME', channelId: 'C12PARTNER' })).toEqual({
        id: 'C12PARTNER', name: 'ext-acme-partner', kind: 'public', external: true,
      });
      expect(await directory.channelInfo({ tenantId: 'T0ACME', channelId: 'C02SECOPS' })).toEqual({
        id: 'C02SECOPS', name: 'secops', kind: 'private', external: false,
      });
    });

    it('knows no channels for unknown users and tenants, and refuses unknown channels', async () => {
      const directory = await loadFixtureMembershipDirectory(EXAMPLE);
      expect(await directory.channelsOf({ tenantId: 'T0ACME', userId: 'U99NOBODY' })).toEqual([]);
      expect(await directory.channelsOf({ tenantId: 'T9EVIL', userId: 'U01ALICE' })).toEqual([]);
      await expect(directory.channelInfo({ tenantId: 'T0ACME', channelId: 'C404' })).rejects.toMatchObject({ code: 'input_invalid' });
      await expect(directory.channelInfo({ tenantId: 'T9EVIL', channelId: 'C01NETOPS' })).rejects.toMatchObject({ code: 'input_invalid' });
    });

    it('can be made to fail, like an unreachable platform', async () => {
      const directory = await loadFixtureMembershipDirectory(EXAMPLE);
      directory.setFailing(true);
      await expect(directory.channelsOf({ tenantId: 'T0ACME', userId: 'U01ALICE' })).rejects.toMatchObject({ code: 'provider_call_failed', retryable: true });
    });
  });

  describe('with an invalid file', () => {
    let directory: string;
    beforeAll(async () => {
      directory = await mkdtemp(join(tmpdir(), 'ragbot-membership-'));
    });
    afterAll(async () => {
      await rm(directory, { recursive: true, force: true });
    });

    const load = async (name: string, text: string) => {
      const file = join(directory, name);
      await writeFile(file, text);
      return loadFixtureMembershipDirectory(file);
    };
    const problemsOf = async (name: string, text: string): Promise<string> => {
      const error: unknown = await load(name, text).then(
        () => {
          throw new Error('expected the membership file to be rejected');
        },
        (rejection: unknown) => rejection,
      );
      expect(error).toBeInstanceOf(BotError);
      expect((error as BotError).code).toBe('config_invalid');
      return (error as BotError).message;
    };

    it('names the key of an invalid channel kind', async () => {
      const message = await problemsOf('kind.yaml', 'tenants:\n  T0ACME:\n    channels:\n      C01: { name: netops, kind: channel }\n');
      expect(message).toContain('Invalid membership file');
      expect(message).toContain('kind.yaml');
      expect(message).toMatch(/tenants\.T0ACME\.channels\.C01\.kind: /);
    });

    it('names the key of a user whose channels are not a list', async () => {
      expect(await problemsOf('users.yaml', 'tenants:\n  T0ACME:\n    users:\n      U01ALICE: C01NETOPS\n')).toMatch(/tenants\.T0ACME\.users\.U01ALICE: /);
    });

    it('names an unknown key, so a typo cannot silently drop memberships', async () => {
      const message = await problemsOf('typo.yaml', 'tenants:\n  T0ACME:\n    members:\n      U01ALICE: [C01NETOPS]\n');
      expect(message).toMatch(/tenants\.T0ACME: .*members/);
    });

    it('names a non-boolean external flag', async () => {
      expect(await problemsOf('external.yaml', 'tenants:\n  T0ACME:\n    channels:\n      C12: { external: "yes" }\n')).toMatch(
        /tenants\.T0ACME\.channels\.C12\.external: /,
      );
    });

    it('reports every problem at once', async () => {
      const message = await problemsOf(
        'many.yaml',
        'tenants:\n  T0ACME:\n    users:\n      U1: C1\n    channels:\n      C1: { kind: room }\n',
      );
      expect(message).toMatch(/tenants\.T0ACME\.users\.U1: /);
      expect(message).toMatch(/tenants\.T0ACME\.channels\.C1\.kind: /);
    });

    it('rejects YAML that does not parse, and a missing file, as config_invalid', async () => {
      expect(await problemsOf('broken.yaml', 'tenants:\n  T0ACME: [unclosed\n')).toContain('cannot be read');
      await expect(loadFixtureMembershipDirectory(join(directory, 'missing.yaml'))).rejects.toMatchObject({ code: 'config_invalid' });
    });

    it('accepts channels without a name, defaulting to public and not external', async () => {
      const fixture = await load('minimal.yaml', 'tenants:\n  T0ACME:\n    users: { U1: [C1] }\n    channels: { C1: {} }\n');
      expect(await fixture.channelsOf({ tenantId: 'T0ACME', userId: 'U1' })).toEqual([{ id: 'C1' }]);
      expect(await fixture.channelInfo({ tenantId: 'T0ACME', channelId: 'C1' })).toEqual({ id: 'C1', kind: 'public', external: false });
    });
  });
});
