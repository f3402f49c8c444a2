/**
 * Pinecone's metadata filter language, evaluated in memory for the fake: `$eq $ne $gt $gte $lt $lte
 * $in $nin $exists $and $or`, implicit equality (`{ genre: 'drama' }`), several keys meaning AND.
 * Metadata values are strings, numbers, booleans or lists of strings; on a list field `$eq`/`$in`
 * match when any element matches and `$ne`/`$nin` when none does. Like MongoDB, whose syntax this is,
 * `$ne`/`$nin` also match records without the field. Filters are validated up front, so a bad filter
 * is a 400 even on an empty namespace, as on the service.
 */

export type PineconeMetadataValue = string | number | boolean | string[];
export type PineconeMetadata = Record<string, PineconeMetadataValue>;
export type MetadataPredicate = (metadata: PineconeMetadata | undefined) => boolean;

export class FilterError extends Error {}

type Scalar = string | number | boolean;

const isScalar = (value: unknown): value is Scalar => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

const scalarList = (operator: string, operand: unknown): Scalar[] => {
  if (!Array.isArray(operand) || !operand.every(isScalar)) throw new FilterError(`Invalid filter: ${operator} requires an array of strings, numbers or booleans`);
  return operand;
};

const numberOperand = (operator: string, operand: unknown): number => {
  if (typeof operand !== 'number') throw new FilterError(`Invalid filter: ${operator} requires a number`);
  return operand;
};

const anyElement = (value: PineconeMetadataValue | undefined, test: (element: Scalar) => boolean): boolean =>
  value === undefined ? false : Array.isArray(value) ? value.some(test) : test(value);

const compileOperator = (field: string, operator: string, operand: unknown): MetadataPredicate => {
  const valueOf = (metadata: PineconeMetadata | undefined) => metadata?.[field];
  switch (operator) {
    case '$eq': {
      if (!isScalar(operand)) throw new FilterError(`Invalid filter: $eq on '${field}' requires a string, number or boolean`);
      return (metadata) => anyElement(valueOf(metadata), (element) => element === operand);
    }
    case '$ne': {
      if (!isScalar(operand)) throw new FilterError(`Invalid filter: $ne on '${field}' requires a string, number or boolean`);
      return (metadata) => !anyElement(valueOf(metadata), (element) => element === operand);
    }
    case '$in': {
      const options = scalarList('$in', operand);
      return (metadata) => anyElement(valueOf(metadata), (element) => options.includes(element));
    }
    case '$nin': {
      const options = scalarList('$nin', operand);
      return (metadata) => !anyElement(valueOf(metadata), (element) => options.includes(element));
    }
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte': {
      const bound = numberOperand(operator, operand);
      const compare = { $gt: (a: number) => a > bound, $gte: (a: number) => a >= bound, $lt: (a: number) => a < bound, $lte: (a: number) => a <= bound }[operator];
      return (metadata) => {
        const value = valueOf(metadata);
        return typeof value === 'number' && compare(value);
      };
    }
    case '$exists': {
      if (typeof operand !== 'boolean') throw new FilterError('Invalid filter: $exists requires a boolean');
      return (metadata) => (valueOf(metadata) !== undefined) === operand;
    }
    default:
      throw new FilterError(`Invalid filter: unknown operator ${operator}`);
  }
};

const compileField = (field: string, condition: unknown): MetadataPredicate => {
  if (isScalar(condition)) return compileOperator(field, '$eq', condition); // implicit equality
  if (typeof condition !== 'object' || condition === null || Array.isArray(condition)) {
    throw new FilterError(`Invalid filter: the condition on '${field}' must be a value or an operator object`);
  }
  const entries = Object.entries(condition);
  if (entries.length === 0) throw new FilterError(`Invalid filter: the condition on '${field}' is empty`);
  const predicates = entries.map(([operator, operand]) => compileOperator(field, operator, operand));
  return (metadata) => predicates.every((predicate) => predicate(metadata));
};

/** Validates `filter` and returns its predicate; throws `FilterError` (a 400 on the service) when invalid. */
export const compileFilter = (filter: unknown): MetadataPredicate => {
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) throw new FilterError('Invalid filter: the filter must be an object');
  const predicates = Object.entries(filter).map(([key, condition]): MetadataPredicate => {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(condition) || condition.length === 0) throw new FilterError(`Invalid filter: ${key} requires a non-empty array of filters`);
      const parts = condition.map(compileFilter);
      return key === '$and' ? (metadata) => parts.every((part) => part(metadata)) : (metadata) => parts.some((part) => part(metadata));
    }
    if (key.startsWith('$')) throw new FilterError(`Invalid filter: unknown operator ${key}`);
    return compileField(key, condition);
  });
  return (metadata) => predicates.every((predicate) => predicate(metadata));
};

/** Checks metadata the way upsert does: the service only stores strings, numbers, booleans and string lists. */
export const metadataProblem = (metadata: unknown): string | undefined => {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return 'Metadata must be an object';
  for (const [field, value] of Object.entries(metadata)) {
    const valid = (isScalar(value) && (typeof value !== 'number' || Number.isFinite(value))) || (Array.isArray(value) && value.every((item) => typeof item === 'string'));
    if (!valid) return `Metadata value must be a string, number, boolean or list of strings, got '${JSON.stringify(value)}' for field '${field}'`;
  }
  return undefined;
};
