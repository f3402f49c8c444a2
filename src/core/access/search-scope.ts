import { BotError } from '../bot-error.js';

declare const resolvedScope: unique symbol;

/**
 * The collections one answer may draw from, already resolved by the access rules.
 * Branded so that a vector-store query cannot be built from loose strings.
 */
export type SearchScope = {
  readonly tenantId: string;
  readonly collections: readonly string[];
  readonly namespaces: readonly string[];
  readonly [resolvedScope]: true;
};

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

export const assertValidName = (kind: 'tenant' | 'collection', name: string): string => {
  if (!NAME.test(name) || name.includes('__')) {
    throw new BotError(
      'input_invalid',
      `Invalid ${kind} name "${name}": use letters, digits, ".", "-" or "_" (no "__"), at most 63 characters.`,
    );
  }
  return name;
};

/** Namespaces are `${tenant}__${collection}`; names may not contain `__`, so the split is unambiguous. */
export const namespaceOf = (tenantId: string, collection: string): string =>
  `${assertValidName('tenant', tenantId)}__${assertValidName('collection', collection)}`;

export const parseNamespace = (namespace: string): { tenantId: string; collection: string } | undefined => {
  const [tenantId, collection, ...rest] = namespace.split('__');
  if (!tenantId || !collection || rest.length > 0) return undefined;
  return { tenantId, collection };
};

/** Only the access policy (and tools acting as an operator, like the local CLI) may call this. */
export const createSearchScope = (tenantId: string, collections: Iterable<string>): SearchScope => {
  const unique = [...new Set(collections)].sort();
  return Object.freeze({
    tenantId,
    collections: Object.freeze(unique),
    namespaces: Object.freeze(unique.map((collection) => namespaceOf(tenantId, collection))),
  }) as SearchScope;
};

/** A stable key for caches: two scopes with the same key may share results. */
export const scopeKey = (scope: SearchScope): string => `${scope.tenantId}:${scope.collections.join(',')}`;
