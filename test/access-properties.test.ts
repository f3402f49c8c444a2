/**
 * Property-based tests of the access rules (design §4) against a reference implementation written
 * here, independently of resolveAccess: random policies, memberships, documents and questions.
 *
 * The reference works on the plain model the generators produce; the code under test gets the same
 * model as a policy file (through parsePolicy), a membership directory and an indexed memory store.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parsePolicy } from '../src/config/policy-file.js';
import type { AccessPolicy } from '../src/core/access/access-policy.js';
import { authorizeAdminAction } from '../src/core/access/authorize-admin.js';
import { isAdmin, resolveAccess } from '../src/core/access/resolve-access.js';
import { parseNamespace, type SearchScope } from '../src/core/access/search-scope.js';
import type { Answer } from '../src/core/answer.js';
import { askQuestion, MEMBERSHIP_NOTICE, type AskDependencies } from '../src/core/answering/ask-question.js';
import { indexCollection } from '../src/core/indexing/index-collection.js';
import type { IndexCatalogStore } from '../src/core/ports/index-catalog-store.js';
import type { ChannelKind } from '../src/core/ports/membership-directory.js';
import type { VectorStore } from '../src/core/ports/vector-store.js';
import type { Question } from '../src/core/question.js';
import { DEFAULT_RETRIEVAL_SETTINGS } from '../src/core/retrieval/retrieval-settings.js';
import { createExtractiveLanguageModel } from '../src/providers/extractive/extractive-language-model.js';
import { createMemoryAuditSink } from '../src/providers/memory/memory-audit-sink.js';
import { createMemoryEmbeddingCache } from '../src/providers/memory/memory-embedding-cache.js';
import { createMemoryIndexCatalogStore } from '../src/providers/memory/memory-index-catalog-store.js';
import { createMemoryKeyValueStore } from '../src/providers/memory/memory-key-value-store.js';
import { createMemoryMembershipDirectory, type MembershipData } from '../src/providers/memory/memory-membership-directory.js';
import { createMemoryVectorStore } from '../src/providers/memory/memory-vector-store.js';
import { createInMemorySource, paragraphParser } from './support/in-memory-documents.js';

const NUM_RUNS = 200;

// ---------------------------------------------------------------------------------------------
// The model: what the generators produce and the reference reads.
// ---------------------------------------------------------------------------------------------

const TENANTS = ['T0ACME', 'T1BETA', 'T2GAMMA'] as const;
/** Tenant ids that are never in a generated policy (case variants, `__`, spaces, empty). */
const FOREIGN_TENANTS = ['T9EVIL', 't0acme', 'T0ACME ', 'T0ACME__security', 'T1BETA__faq', ''];
const COLLECTIONS = ['faq', 'runbooks', 'security', 'standards', 'postmortems', 'hr'] as const;
/** Indexed in every tenant's store but never defined in the policy: must never be searched. */
const ORPHAN = 'orphan';
const CHANNEL_IDS = ['C01', 'C02', 'C03', 'C04', 'C05', 'G01', 'D01'] as const;
/** A channel id the membership directory does not know. */
const UNKNOWN_CHANNEL = 'C99';
const USERS = ['U1', 'U2', 'U3', 'U4', 'UADMIN'] as const;
const KINDS: ChannelKind[] = ['public', 'private', 'dm', 'group'];

// One marker word per tenant × collection (and orphan); every question contains all of them, so
// retrieval finds whatever the scope lets it see.
const MARKERS = [
  'quokka', 'axolotl', 'narwhal', 'pangolin', 'wombat', 'platypus', 'capybara',
  'okapi', 'tapir', 'lemur', 'meerkat', 'ocelot', 'manatee', 'gecko',
  'ibex', 'jackal', 'kudu', 'marmot', 'numbat', 'quoll', 'dugong',
];
const MARKED_COLLECTIONS = [...COLLECTIONS, ORPHAN];
const markerOf = (tenantId: string, collection: string): string => {
  const marker = MARKERS[TENANTS.indexOf(tenantId as (typeof TENANTS)[number]) * MARKED_COLLECTIONS.length + MARKED_COLLECTIONS.indexOf(collection)];
  if (!marker) throw new Error(`no marker for ${tenantId}/${collection}`);
  return marker;
};
const QUESTION_TEXT = `what do the ${MARKERS.join(' ')} notes say about rotation and draining?`;
const FILLER = [
  'rotation happens every ninety days through the vault',
  'draining a backend waits for sessions to reach zero',
  'escalate to the duty manager after fifteen minutes',
  'notes describe the rollback and the verification steps',
];

type ChannelModel = { id: string; present: boolean; name?: string; kind: ChannelKind; external: boolean };
type RoleModel = { channels?: string[]; collections: string[] };
type BehaviourModel = { pattern: string; allowExternal?: boolean; followThreads?: boolean };
type TenantModel = {
  id: string;
  collections: string[];
  roles: RoleModel[];
  admins: { users: string[]; channels: string[] };
  behaviours: BehaviourModel[];
  channels: ChannelModel[];
  users: Record<string, string[]>;
  documents: string[][];
};
type EventChannel = { id: string; kind: ChannelKind; external: boolean };

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

// Names and patterns from a small shared alphabet (with "." and "+", which must stay literal) so
// that patterns often match, plus hand-picked realistic ones.
const NAME_POOL = ['netops', 'NetOps-Core', 'netops-', 'sec-ops', 'sec.ops', 'secXops', 'inc-42', 'inc-7', 'random', 'ext-partner', 'a+b', 'aab', 'platform'];
const PATTERN_POOL = ['#netops-*', '#NETOPS*', '#sec-*', '#sec.ops', '#inc-??', '#inc-?', '#*', '#*ops', '#a+b', '#ext-*', '#plat?orm', '#random', '#*-*'];
const nameArb = fc.oneof(
  fc.constantFrom(...NAME_POOL),
  fc.string({ unit: fc.constantFrom('n', 'e', 't', 's', '-', '.', 'N', 'E'), minLength: 1, maxLength: 5 }),
);
const patternArb = fc.oneof(
  fc.constantFrom(...PATTERN_POOL),
  fc
    .string({ unit: fc.constantFrom('n', 'e', 't', 's', '-', '.', 'N', '*', '?'), minLength: 1, maxLength: 5 })
    .filter((body) => !body.includes('**'))
    .map((body) => `#${body}`),
);
const channelRefArb = fc.oneof(fc.constantFrom<string>(...CHANNEL_IDS, UNKNOWN_CHANNEL), patternArb);

/**
 * Patterns written for the tenant's own channels, as a policy author would: the exact name, in
 * another case, a prefix with `*`, or the name with one character replaced by `?`.
 */
const derivedPatternArb = (names: string[]): fc.Arbitrary<string> =>
  names.length === 0
    ? patternArb
    : fc.constantFrom(...names).chain((name) =>
        fc.oneof(
          fc.constant(`#${name}`),
          fc.constant(`#${name.toUpperCase()}`),
          fc.integer({ min: 0, max: name.length }).map((cut) => `#${name.slice(0, cut)}*`),
          fc.integer({ min: 0, max: name.length - 1 }).map((at) => `#${name.slice(0, at)}?${name.slice(at + 1)}`),
        ),
      );

/** A channel in the policy: an id (known or not), a random pattern, or one written for a real channel. */
const tenantChannelRefArb = (names: string[]) =>
  fc.oneof({ arbitrary: channelRefArb, weight: 2 }, { arbitrary: derivedPatternArb(names), weight: 1 });

const roleArb = (collections: string[], names: string[]): fc.Arbitrary<RoleModel> =>
  fc.record({
    // undefined: no `channels` key; []: an explicit empty list. Both mean "everyone in the tenant".
    channels: fc.option(fc.uniqueArray(tenantChannelRefArb(names), { maxLength: 3 }), { nil: undefined, freq: 3 }),
    collections: fc.subarray(collections),
  });

// Channel behaviour is written for ids and for name patterns ("#ext-*"), usually setting allowExternal.
const behaviourArb = (names: string[]): fc.Arbitrary<BehaviourModel> =>
  fc.record({
    pattern: fc.oneof(
      { arbitrary: fc.constantFrom<string>(...CHANNEL_IDS), weight: 2 },
      { arbitrary: fc.constantFrom('#*', '#ext-*', '#*-*', '#*ops'), weight: 1 },
      { arbitrary: derivedPatternArb(names), weight: 2 },
      { arbitrary: patternArb, weight: 1 },
    ),
    allowExternal: fc.option(fc.boolean(), { nil: undefined, freq: 4 }),
    followThreads: fc.option(fc.boolean(), { nil: undefined, freq: 1 }),
  });

const channelModelArb = (id: string): fc.Arbitrary<ChannelModel> =>
  fc.record({
    id: fc.constant(id),
    // C05 is sometimes unknown to the directory; names are sometimes unknown too.
    present: fc.boolean().map((value) => value || id !== 'C05'),
    name: fc.option(nameArb, { nil: undefined, freq: 4 }),
    kind: id.startsWith('D') ? fc.constant<ChannelKind>('dm') : id.startsWith('G') ? fc.constant<ChannelKind>('group') : fc.constantFrom<ChannelKind>('public', 'private'),
    external: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
  });

const tenantArb = (id: string): fc.Arbitrary<TenantModel> =>
  fc
    .tuple(fc.uniqueArray(fc.constantFrom<string>(...COLLECTIONS), { minLength: 1, maxLength: 5 }), fc.tuple(...CHANNEL_IDS.map(channelModelArb)))
    .chain(([collections, channels]) => {
      const names = [...new Set(channels.flatMap((channel) => (channel.name === undefined ? [] : [channel.name])))];
      return fc.record({
        id: fc.constant(id),
        collections: fc.constant(collections),
        roles: fc.array(roleArb(collections, names), { minLength: 1, maxLength: 6 }),
        admins: fc.record({
          users: fc.subarray<string>([...USERS]),
          channels: fc.uniqueArray(tenantChannelRefArb(names), { maxLength: 2 }),
        }),
        behaviours: fc.uniqueArray(behaviourArb(names), { maxLength: 5, selector: (behaviour) => behaviour.pattern }),
        channels: fc.constant(channels),
        users: fc
          .tuple(...USERS.map(() => fc.subarray<string>([...CHANNEL_IDS, UNKNOWN_CHANNEL])))
          .map((lists) => Object.fromEntries(USERS.map((user, index) => [user, lists[index] ?? []]))),
        documents: fc.tuple(...collections.map(() => fc.array(fc.constantFrom(...FILLER), { minLength: 1, maxLength: 2 }))),
      });
    });

const worldArb: fc.Arbitrary<TenantModel[]> = fc
  .uniqueArray(fc.constantFrom<string>(...TENANTS), { minLength: 1, maxLength: 3 })
  .chain((ids) => fc.tuple(...ids.map(tenantArb)));

/**
 * The channel of a question, as the platform event reports it (kind and external flag from the
 * event; the directory may disagree). Often a channel the tenant's policy names by id.
 */
const eventChannelArb = (tenant?: TenantModel, externalPercent = 25, behaviourWeight = 1): fc.Arbitrary<EventChannel> => {
  const ids = (patterns: string[]) => [...new Set(patterns.filter((pattern) => !pattern.startsWith('#')))];
  const inRoles = ids(tenant?.roles.flatMap((role) => role.channels ?? []) ?? []);
  const inBehaviours = ids(tenant?.behaviours.map((behaviour) => behaviour.pattern) ?? []);
  const choices: fc.WeightedArbitrary<string>[] = [{ arbitrary: fc.constantFrom<string>(...CHANNEL_IDS, UNKNOWN_CHANNEL), weight: 2 }];
  if (inRoles.length > 0) choices.push({ arbitrary: fc.constantFrom(...inRoles), weight: 1 });
  if (inBehaviours.length > 0) choices.push({ arbitrary: fc.constantFrom(...inBehaviours), weight: behaviourWeight });
  return fc.record({
    id: fc.oneof(...choices),
    kind: fc.constantFrom(...KINDS),
    external: fc.integer({ min: 0, max: 99 }).map((n) => n < externalPercent),
  });
};

/** Someone asking in one of the world's tenants. */
const askInArb = (tenants: TenantModel[], externalPercent = 25, behaviourWeight = 1) =>
  fc.constantFrom(...tenants).chain((tenant) =>
    fc.record({
      tenantId: fc.constant(tenant.id),
      userId: fc.constantFrom<string>(...USERS, 'U-NOBODY'),
      channel: eventChannelArb(tenant, externalPercent, behaviourWeight),
    }),
  );

/** A world and one question in it, asked in one of its tenants; `externalPercent` % of the channels are external. */
const askArb = (externalPercent = 25, behaviourWeight = 1) =>
  worldArb.chain((tenants) => askInArb(tenants, externalPercent, behaviourWeight).map((ask) => ({ tenants, ...ask })));

/** A world and two people asking the same question in it (in any tenants and channels). */
const twoAsksArb = worldArb.chain((tenants) =>
  fc.record({ tenants: fc.constant(tenants), first: askInArb(tenants), second: askInArb(tenants) }),
);

/**
 * An external channel the policy's channel behaviour names both by id and by name patterns, in a
 * random order with random allowExternal values ("C12PARTNER: allow" next to "#ext-*: deny").
 */
const externalNamedBothWaysArb = worldArb.chain((tenants) =>
  fc.constantFrom(...tenants).chain((tenant) => {
    const named = tenant.channels.filter((channel) => channel.present && channel.name !== undefined && channel.kind !== 'dm');
    if (named.length === 0) {
      return fc.record({
        tenants: fc.constant(tenants), tenantId: fc.constant(tenant.id), userId: fc.constantFrom<string>(...USERS, 'U-NOBODY'), channel: eventChannelArb(tenant, 100),
      });
    }
    return fc.constantFrom(...named).chain((channel) =>
      fc
        .shuffledSubarray([...new Set([channel.id, ...PATTERN_POOL, `#${channel.name}`, `#${(channel.name ?? '').slice(0, 2)}*`])], { minLength: 2, maxLength: 4 })
        .filter((patterns) => patterns.includes(channel.id) && patterns.some((pattern) => refMatches(pattern, channel) && pattern.startsWith('#')))
        .chain((patterns) => fc.tuple(...patterns.map(() => fc.boolean())).map((allows) => patterns.map((pattern, index) => ({ pattern, allowExternal: allows[index] }))))
        .chain((about) =>
          fc.record({
            tenants: fc.constant(
              tenants.map((candidate) =>
                candidate === tenant
                  ? { ...tenant, behaviours: [...tenant.behaviours.filter((behaviour) => !about.some((entry) => entry.pattern === behaviour.pattern)), ...about] }
                  : candidate,
              ),
            ),
            tenantId: fc.constant(tenant.id),
            userId: fc.constantFrom<string>(...USERS, 'U-NOBODY'),
            channel: fc.constant<EventChannel>({ id: channel.id, kind: channel.kind, external: true }),
          }),
        ),
    );
  }),
);

// ---------------------------------------------------------------------------------------------
// The reference implementation of design §4, written from the rules, not from resolve-access.ts.
// ---------------------------------------------------------------------------------------------

/** `*` any run (also empty), `?` exactly one character, everything else literal; case-insensitive. */
const globMatches = (pattern: string, name: string): boolean => {
  const p = pattern.toLowerCase();
  const s = name.toLowerCase();
  const match = (i: number, j: number): boolean => {
    if (i === p.length) return j === s.length;
    if (p[i] === '*') return match(i + 1, j) || (j < s.length && match(i, j + 1));
    if (j === s.length) return false;
    return (p[i] === '?' || p[i] === s[j]) && match(i + 1, j + 1);
  };
  return match(0, 0);
};

/** A policy channel: an id compares exactly; "#glob" compares with the channel's name, if known. */
const refMatches = (pattern: string, channel: { id: string; name?: string }): boolean =>
  pattern.startsWith('#') ? channel.name !== undefined && globMatches(pattern.slice(1), channel.name) : pattern === channel.id;

/** Rule 2/3: the collections of the roles without channels and of the roles granting one of these channels. */
const refCollections = (tenant: TenantModel, channels: { id: string; name?: string }[]): Set<string> => {
  const result = new Set<string>();
  for (const role of tenant.roles) {
    const patterns = role.channels ?? [];
    if (patterns.length === 0 || channels.some((channel) => patterns.some((pattern) => refMatches(pattern, channel)))) {
      for (const collection of role.collections) result.add(collection);
    }
  }
  return result;
};

/** Everything open to everyone in the tenant: the roles without channels. */
const refOpenToEveryone = (tenant: TenantModel): Set<string> =>
  new Set(tenant.roles.filter((role) => (role.channels ?? []).length === 0).flatMap((role) => role.collections));

/** What the directory knows about a channel (undefined for channels it has never heard of). */
const directoryChannel = (tenant: TenantModel, id: string) => tenant.channels.find((channel) => channel.id === id && channel.present);
const withDirectoryName = (tenant: TenantModel, id: string): { id: string; name?: string } => {
  const name = directoryChannel(tenant, id)?.name;
  return name === undefined ? { id } : { id, name };
};

/**
 * Channel behaviour: entries in policy order, later ones overriding earlier ones. When the channel's
 * name is unknown, any name pattern might have matched: allowed only if every such outcome allows.
 */
const refAllowExternal = (tenant: TenantModel, channel: { id: string; name?: string }): boolean => {
  const evaluate = (nameMatches: (pattern: string) => boolean) => {
    let allowed = false;
    for (const behaviour of tenant.behaviours) {
      if (behaviour.allowExternal === undefined) continue;
      const applies = behaviour.pattern.startsWith('#') ? nameMatches(behaviour.pattern) : refMatches(behaviour.pattern, channel);
      if (applies) allowed = behaviour.allowExternal;
    }
    return allowed;
  };
  if (channel.name !== undefined) return evaluate((pattern) => refMatches(pattern, channel));
  const namePatterns = tenant.behaviours.filter((behaviour) => behaviour.allowExternal !== undefined && behaviour.pattern.startsWith('#'));
  // Every subset of name patterns could be the ones matching the unknown name.
  for (let subset = 0; subset < 1 << namePatterns.length; subset++) {
    const matching = new Set(namePatterns.filter((_, index) => subset & (1 << index)).map((behaviour) => behaviour.pattern));
    if (!evaluate((pattern) => matching.has(pattern))) return false;
  }
  return true;
};

type Expected = { kind: 'refused'; reason: string } | { kind: 'granted'; collections: string[] };

/** Design §4 rules 1–4 with a working membership directory. */
const expectedDecision = (tenants: TenantModel[], tenantId: string, userId: string, event: EventChannel): Expected => {
  const tenant = tenants.find((candidate) => candidate.id === tenantId);
  if (!tenant) return { kind: 'refused', reason: 'unknown-tenant' };
  // The channel's name comes from the directory; a DM is not looked up.
  const channel = event.kind === 'dm' ? { id: event.id } : withDirectoryName(tenant, event.id);
  if (event.external && !refAllowExternal(tenant, channel)) return { kind: 'refused', reason: 'external-channel' };
  const asker = refCollections(tenant, (tenant.users[userId] ?? []).map((id) => withDirectoryName(tenant, id)));
  const audience = event.kind === 'dm' ? asker : refCollections(tenant, [channel]);
  const scope = [...asker].filter((collection) => audience.has(collection)).sort();
  return scope.length === 0 ? { kind: 'refused', reason: 'no-collections' } : { kind: 'granted', collections: scope };
};

/** Design §4 rule 6. */
const expectedAdmin = (tenants: TenantModel[], tenantId: string, userId: string, membershipFailing: boolean): boolean => {
  const tenant = tenants.find((candidate) => candidate.id === tenantId);
  if (!tenant) return false;
  if (tenant.admins.users.includes(userId)) return true;
  if (membershipFailing) return false;
  const channels = (tenant.users[userId] ?? []).map((id) => withDirectoryName(tenant, id));
  return channels.some((channel) => tenant.admins.channels.some((pattern) => refMatches(pattern, channel)));
};

// ---------------------------------------------------------------------------------------------
// Building the system under test from a model
// ---------------------------------------------------------------------------------------------

const policyYaml = (tenants: TenantModel[]): string =>
  stringify({
    tenants: Object.fromEntries(
      tenants.map((tenant) => [
        tenant.id,
        {
          collections: Object.fromEntries(tenant.collections.map((collection) => [collection, null])),
          roles: Object.fromEntries(
            tenant.roles.map((role, index) => [
              `r${index}`,
              role.channels === undefined ? { collections: role.collections } : { channels: role.channels, collections: role.collections },
            ]),
          ),
          admins: tenant.admins,
          channels: Object.fromEntries(
            tenant.behaviours.map(({ pattern, allowExternal, followThreads }) => [
              pattern,
              { ...(allowExternal === undefined ? {} : { allowExternal }), ...(followThreads === undefined ? {} : { followThreads }) },
            ]),
          ),
        },
      ]),
    ),
  });

const membershipData = (tenants: TenantModel[]): MembershipData => ({
  tenants: Object.fromEntries(
    tenants.map((tenant) => [
      tenant.id,
      {
        users: tenant.users,
        channels: Object.fromEntries(
          tenant.channels
            .filter((channel) => channel.present)
            .map(({ id, name, kind, external }) => [id, name === undefined ? { kind, external } : { name, kind, external }]),
        ),
      },
    ]),
  ),
});

/** Records every query and catalog load that reaches the stores. */
const recording = (store: VectorStore, catalogs: IndexCatalogStore) => {
  const queries: SearchScope[] = [];
  const loads: string[] = [];
  return {
    queries,
    loads,
    store: { ...store, query: (options: Parameters<VectorStore['query']>[0]) => (queries.push(options.scope), store.query(options)) } as VectorStore,
    catalogs: { ...catalogs, load: (namespace: string) => (loads.push(namespace), catalogs.load(namespace)) } as IndexCatalogStore,
  };
};

/**
 * The policy holds `policyTenants`; memberships and indexed documents exist for every tenant of
 * the world (and an orphan namespace per tenant), so a leak would have something to leak.
 */
const build = async (world: TenantModel[], options: { policyTenants?: TenantModel[]; index?: boolean; answerCache?: boolean } = {}) => {
  const policy: AccessPolicy = parsePolicy(policyYaml(options.policyTenants ?? world), 'policy.yaml');
  const membership = createMemoryMembershipDirectory(membershipData(world));
  const store = createMemoryVectorStore();
  const catalogs = createMemoryIndexCatalogStore();
  if (options.index ?? true) {
    const shared = { store, catalogs, parser: paragraphParser, embeddingCache: createMemoryEmbeddingCache() };
    for (const tenant of world) {
      const collections = [...tenant.collections.map((collection, index) => [collection, tenant.documents[index] ?? []] as const), [ORPHAN, [FILLER[0] as string]] as const];
      for (const [collection, fillers] of collections) {
        const marker = markerOf(tenant.id, collection);
        const files = Object.fromEntries(
          fillers.map((filler, index) => [
            `${tenant.id}/${collection}/doc-${index}.md`,
            `# The ${marker} ${collection} guide\n\nThe ${marker} ${filler}.\n\nEvery ${marker} note applies to ${collection} only.`,
          ]),
        );
        await indexCollection(shared, { source: createInMemorySource(files).source, tenantId: tenant.id, collection });
      }
    }
  }
  const recorder = recording(store, catalogs);
  const audit = createMemoryAuditSink();
  const dependencies: AskDependencies = {
    store: recorder.store,
    catalogs: recorder.catalogs,
    languageModels: [createExtractiveLanguageModel()],
    // Any hit is an answer: the property is about where citations come from, not about abstention.
    settings: { ...DEFAULT_RETRIEVAL_SETTINGS, minEvidence: 0 },
    policy,
    membership,
    audit,
  };
  if (options.answerCache) dependencies.answerCache = { state: createMemoryKeyValueStore(), ttlMs: 60_000 };
  return { dependencies, membership, policy, audit, recorder };
};

let questionCount = 0;
const questionOf = (tenantId: string, userId: string, channel: EventChannel): Question => ({
  id: `q-${++questionCount}`,
  platform: 'slack',
  tenantId,
  channel,
  user: { id: userId },
  text: QUESTION_TEXT,
  invocation: 'mention',
  history: [],
  receivedAt: new Date(),
});

/** The tenant and collection a citation's document belongs to, from its path `${tenant}/${collection}/…`. */
const originOf = (citation: Answer['citations'][number]) => {
  const [tenantId, collection] = citation.path.split('/');
  return { tenantId, collection };
};

const sorted = (values: Iterable<string>) => [...values].sort();

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

/**
 * (d): the same question with the membership directory working, then failing. Failing may only
 * narrow: refused stays refused, and the scope is exactly what is open to everyone ∩ the audience.
 */
const checkFailClosed = async ({ tenants, tenantId, userId, channel }: { tenants: TenantModel[]; tenantId: string; userId: string; channel: EventChannel }) => {
    const { dependencies, membership, recorder } = await build(tenants);
    const tenant = tenants.find((candidate) => candidate.id === tenantId) as TenantModel;
    const working = await askQuestion(dependencies, { question: questionOf(tenantId, userId, channel) });
    membership.setFailing(true);
    recorder.queries.length = 0;
    const failing = await askQuestion(dependencies, { question: questionOf(tenantId, userId, channel) });

    // Never wider: a refusal stays a refusal, a scope only shrinks.
    if (working.outcome === 'refused') expect(failing.outcome).toBe('refused');
    expect(failing.scope.every((collection) => working.scope.includes(collection))).toBe(true);

    // Exactly: the roles without channels (the only asker roles left) ∩ the channel audience, which
    // always contains them. Names cannot be looked up either, so only id grants reach the audience.
    const open = refOpenToEveryone(tenant);
    const audience = channel.kind === 'dm' ? open : refCollections(tenant, [{ id: channel.id }]);
    const expectedScope = sorted([...open].filter((collection) => audience.has(collection)));
    if (failing.outcome === 'refused') {
      expect(recorder.queries).toEqual([]);
      if (failing.refusal !== 'external-channel') {
        expect(failing.refusal).toBe('membership-unavailable');
        expect(expectedScope).toEqual([]);
      }
      return;
    }
    expect(failing.scope).toEqual(expectedScope);
    expect(failing.notices).toContain(MEMBERSHIP_NOTICE);
    for (const citation of failing.citations) {
      expect(originOf(citation).tenantId).toBe(tenantId);
      expect(open.has(citation.collection)).toBe(true);
    }
    // The same through resolveAccess with the channel's name given by the event.
    const named = directoryChannel(tenant, channel.id)?.name;
    const decision = await resolveAccess(dependencies, {
      tenantId, userId, channel: named === undefined ? channel : { ...channel, name: named },
    });
    if (decision.kind === 'granted') {
      expect(decision.membershipUnavailable).toBe(true);
      expect(decision.scope.collections).toEqual(sorted(open));
      expect(decision.explanation.some((line) => line.startsWith('memberships could not be read'))).toBe(true);
    }
};

describe('access control properties (design §4)', () => {
  it('(a) cites only collections in asker ∩ channel audience (the asker alone in a DM), of the event tenant — also from the answer cache', async () => {
    let answeredWithCitations = 0;
    let cacheHits = 0;
    await fc.assert(
      fc.asyncProperty(twoAsksArb, async ({ tenants, first, second }) => {
        // Both questions share one answer cache: the second may be served what the first stored.
        const { dependencies } = await build(tenants, { answerCache: true });
        for (const { tenantId, userId, channel } of [first, second]) {
          const expected = expectedDecision(tenants, tenantId, userId, channel);
          const answer = await askQuestion(dependencies, { question: questionOf(tenantId, userId, channel) });
          if (answer.cached) cacheHits++;
          if (expected.kind === 'refused') {
            expect(answer).toMatchObject({ outcome: 'refused', refusal: expected.reason, citations: [], scope: [] });
            continue;
          }
          expect(answer.outcome).not.toBe('refused');
          expect(answer.scope).toEqual(expected.collections);
          for (const citation of answer.citations) {
            const origin = originOf(citation);
            expect(origin.tenantId).toBe(tenantId);
            expect(expected.collections).toContain(origin.collection);
            expect(citation.collection).toBe(origin.collection);
          }
          // Every collection holds a document with a marker of the question: something in scope is cited.
          expect(answer.citations.length).toBeGreaterThan(0);
          answeredWithCitations++;
        }
      }),
      { numRuns: NUM_RUNS },
    );
    // Not vacuous: a good share of the generated questions were answered, some from the cache.
    expect(answeredWithCitations).toBeGreaterThan(NUM_RUNS / 5);
    expect(cacheHits).toBeGreaterThan(0);
  });

  it('(b) every vector-store query and catalog load uses only namespaces of the event tenant and the allowed collections', async () => {
    await fc.assert(
      fc.asyncProperty(askArb(), async ({ tenants, tenantId, userId, channel }) => {
        const { dependencies, recorder } = await build(tenants);
        const expected = expectedDecision(tenants, tenantId, userId, channel);
        await askQuestion(dependencies, { question: questionOf(tenantId, userId, channel) });
        const allowed = new Set(expected.kind === 'granted' ? expected.collections : []);
        if (expected.kind === 'refused') {
          expect(recorder.queries).toEqual([]);
          expect(recorder.loads).toEqual([]);
          return;
        }
        expect(recorder.queries.length).toBeGreaterThan(0);
        for (const scope of recorder.queries) {
          expect(scope.tenantId).toBe(tenantId);
          for (const namespace of scope.namespaces) {
            const parsed = parseNamespace(namespace);
            expect(parsed?.tenantId).toBe(tenantId);
            expect(allowed.has(parsed?.collection ?? '')).toBe(true);
          }
        }
        for (const namespace of recorder.loads) {
          const parsed = parseNamespace(namespace);
          expect(parsed?.tenantId).toBe(tenantId);
          expect(allowed.has(parsed?.collection ?? '')).toBe(true);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('(c) only listed users and members of listed admin channels are admins; every attempt is audit-logged', async () => {
    const scenario = worldArb.chain((tenants) =>
      fc.record({
        tenants: fc.constant(tenants),
        tenantId: fc.oneof(fc.constantFrom(...tenants.map((tenant) => tenant.id)), fc.constantFrom(...FOREIGN_TENANTS)),
        userId: fc.constantFrom<string>(...USERS, 'U-NOBODY'),
        channelId: fc.option(fc.constantFrom<string>(...CHANNEL_IDS), { nil: undefined }),
        failing: fc.boolean(),
      }),
    );
    await fc.assert(
      fc.asyncProperty(scenario, async ({ tenants, tenantId, userId, channelId, failing }) => {
        const { dependencies, membership, audit } = await build(tenants, { index: false });
        membership.setFailing(failing);
        const expected = expectedAdmin(tenants, tenantId, userId, failing);
        expect(await isAdmin(dependencies, { tenantId, userId })).toBe(expected);
        const request = { tenantId, userId, action: 'reindex', ...(channelId ? { channelId } : {}) };
        expect(await authorizeAdminAction(dependencies, request)).toBe(expected);
        expect(audit.events).toHaveLength(1);
        expect(audit.events[0]).toMatchObject({
          tenantId, userId, action: 'reindex', outcome: expected ? 'allowed' : 'refused', ...(channelId ? { channelId } : {}),
        });
        if (!expected) expect(audit.events[0]?.reason).toBe('not an admin');
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('(d) with memberships failing, the scope is never wider than with them working, and is exactly what is open to everyone ∩ the audience', async () => {
    await fc.assert(fc.asyncProperty(askArb(50, 3), checkFailClosed), { numRuns: NUM_RUNS });
  });

  it('(d) … also in external channels the policy names both by id and by name', async () => {
    await fc.assert(fc.asyncProperty(externalNamedBothWaysArb, checkFailClosed), { numRuns: NUM_RUNS });
  });

  it('(e) an unknown tenant is always refused with unknown-tenant and nothing is searched', async () => {
    const scenario = worldArb.chain((tenants) =>
      fc.record({
        tenants: fc.constant(tenants),
        // A tenant id the policy lacks: a foreign one, or one of the world's (with memberships and
        // indexed documents) left out of the policy.
        foreign: tenants.length > 1 ? fc.oneof(fc.constantFrom(...FOREIGN_TENANTS), fc.constantFrom(...tenants.map((tenant) => tenant.id))) : fc.constantFrom(...FOREIGN_TENANTS),
        userId: fc.constantFrom<string>(...USERS),
        channel: eventChannelArb(),
      }),
    );
    await fc.assert(
      fc.asyncProperty(scenario, async ({ tenants, foreign, userId, channel }) => {
        const { dependencies, recorder, audit } = await build(tenants, { policyTenants: tenants.filter((tenant) => tenant.id !== foreign) });
        const answer = await askQuestion(dependencies, { question: questionOf(foreign, userId, channel) });
        expect(answer).toMatchObject({ outcome: 'refused', refusal: 'unknown-tenant', citations: [], scope: [] });
        expect(recorder.queries).toEqual([]);
        expect(recorder.loads).toEqual([]);
        expect(audit.events).toEqual([expect.objectContaining({ tenantId: foreign, userId, action: 'ask', outcome: 'refused', reason: 'unknown-tenant' })]);
        const decision = await resolveAccess(dependencies, { tenantId: foreign, userId, channel });
        expect(decision).toMatchObject({ kind: 'refused', reason: 'unknown-tenant' });
        expect(await isAdmin(dependencies, { tenantId: foreign, userId })).toBe(false);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('(f) external channels get no answer unless the policy allows them', async () => {
    let allowed = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(askArb(100), externalNamedBothWaysArb), async ({ tenants, tenantId, userId, channel }) => {
        const { dependencies, recorder, audit } = await build(tenants);
        const tenant = tenants.find((candidate) => candidate.id === tenantId) as TenantModel;
        const answer = await askQuestion(dependencies, { question: questionOf(tenantId, userId, channel) });
        const named = channel.kind === 'dm' ? { id: channel.id } : withDirectoryName(tenant, channel.id);
        if (!refAllowExternal(tenant, named)) {
          expect(answer).toMatchObject({ outcome: 'refused', refusal: 'external-channel', citations: [] });
          expect(recorder.queries).toEqual([]);
          expect(audit.events).toEqual([expect.objectContaining({ outcome: 'refused', reason: 'external-channel', channelId: channel.id })]);
        } else {
          allowed++;
          expect(answer.refusal).not.toBe('external-channel');
          const expected = expectedDecision(tenants, tenantId, userId, channel);
          expect(answer.scope).toEqual(expected.kind === 'granted' ? expected.collections : []);
        }
      }),
      { numRuns: NUM_RUNS },
    );
    expect(allowed).toBeGreaterThan(0);
  });
});
