import type { AnyValue, InstrumentationScope, KeyValue } from './model.ts';

/** An OTLP value as plain JSON: what error events' contexts and JSON-encoded attributes hold. */
export type PlainValue = string | number | boolean | null | PlainValue[] | { [key: string]: PlainValue };

/** An attribute as Sentry's span-v2 and log items carry it. */
export type TypedAttribute =
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'integer'; readonly value: number }
  | { readonly type: 'double'; readonly value: number }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'array'; readonly value: readonly string[] | readonly number[] | readonly boolean[] };

export type TypedAttributes = Record<string, TypedAttribute>;

/**
 * How deep arrays and key-value lists are followed. OTLP allows any nesting; attributes hold
 * primitives or flat arrays in practice, and a body of 20 MiB could nest a million levels.
 */
const MAX_DEPTH = 16;

/** A 64-bit integer as a JSON number when it fits one exactly, else as its decimal text. */
function int64(value: bigint): number | string {
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : value.toString();
}

/** A double as JSON can hold it: NaN and the infinities become text (JSON would make them null). */
function double(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

/** An OTLP AnyValue as plain JSON. Bytes become base64 text; an empty value becomes null. */
export function plainValue(value: AnyValue, depth = 0): PlainValue {
  switch (value.type) {
    case 'string':
    case 'bool':
      return value.value;
    case 'int':
      return int64(value.value);
    case 'double':
      return double(value.value);
    case 'bytes':
      return Buffer.from(value.value).toString('base64');
    case 'array':
      if (depth >= MAX_DEPTH) return '[nested too deep]';
      return value.value.map((item) => plainValue(item, depth + 1));
    case 'kvlist':
      if (depth >= MAX_DEPTH) return '{nested too deep}';
      return plainObject(value.value, depth + 1);
    case 'empty':
      return null;
  }
}

/**
 * Key-value pairs as a plain object; later keys win. Built with `Object.fromEntries`, which defines
 * own properties: a key such as `__proto__` stays a key and cannot change the object's prototype.
 */
export function plainObject(pairs: readonly KeyValue[], depth = 0): { [key: string]: PlainValue } {
  return Object.fromEntries(pairs.map((pair) => [pair.key, plainValue(pair.value, depth)]));
}

type Primitive = 'string' | 'integer' | 'double' | 'boolean';

function primitive(value: AnyValue): { type: Primitive; value: string | number | boolean } | undefined {
  switch (value.type) {
    case 'string':
      return { type: 'string', value: value.value };
    case 'bool':
      return { type: 'boolean', value: value.value };
    case 'int': {
      const number = int64(value.value);
      return typeof number === 'number' ? { type: 'integer', value: number } : { type: 'string', value: number };
    }
    case 'double': {
      const number = double(value.value);
      return typeof number === 'number' ? { type: 'double', value: number } : { type: 'string', value: number };
    }
    case 'bytes':
      return { type: 'string', value: Buffer.from(value.value).toString('base64') };
    default:
      return undefined;
  }
}

/**
 * An OTLP attribute value as a Sentry typed attribute: primitives keep their type, an array of one
 * primitive type stays an array (integers and doubles mix as numbers), anything else (mixed or nested
 * arrays, key-value lists) becomes its JSON text, so that nothing is dropped. Empty values give undefined.
 */
export function typedAttribute(value: AnyValue): TypedAttribute | undefined {
  if (value.type === 'array') {
    const items = value.value.map(primitive);
    const kinds = new Set(items.map((item) => (item?.type === 'integer' ? 'double' : item?.type)));
    const [kind] = kinds;
    if (kinds.size === 1 && kind !== undefined) {
      const values = items.map((item) => item?.value);
      return { type: 'array', value: values as string[] | number[] | boolean[] };
    }
    if (items.length === 0) return { type: 'array', value: [] as string[] };
    return { type: 'string', value: JSON.stringify(plainValue(value)) };
  }
  if (value.type === 'kvlist') return { type: 'string', value: JSON.stringify(plainValue(value)) };
  return primitive(value) as TypedAttribute | undefined;
}

/**
 * Builds the attributes of one converted item: the record's own first (viewers list them in this
 * order), then, for keys the record does not have, its scope's and its service's (resource's).
 */
export class AttributeBuilder {
  private readonly entries = new Map<string, TypedAttribute>();

  /** OTLP key-value pairs, each converted by `typedAttribute` (pairs without a value are skipped). */
  addAll(pairs: readonly KeyValue[], prefix = ''): this {
    for (const pair of pairs) {
      const attribute = typedAttribute(pair.value);
      if (attribute !== undefined) this.entries.set(prefix + pair.key, attribute);
    }
    return this;
  }

  /** Like `addAll`, for keys not set yet. */
  addDefaults(pairs: readonly KeyValue[], prefix = ''): this {
    for (const pair of pairs) {
      const attribute = this.entries.has(prefix + pair.key) ? undefined : typedAttribute(pair.value);
      if (attribute !== undefined) this.entries.set(prefix + pair.key, attribute);
    }
    return this;
  }

  /** The instrumentation scope, under the semantic conventions' names for it outside OTLP (`otel.scope.*`). */
  addScopeDefaults(scope: InstrumentationScope | undefined): this {
    if (scope === undefined) return this;
    return this.setStringDefault('otel.scope.name', scope.name)
      .setStringDefault('otel.scope.version', scope.version)
      .addDefaults(scope.attributes, 'otel.scope.');
  }

  setString(key: string, value: string | undefined): this {
    if (value !== undefined && value !== '') this.entries.set(key, { type: 'string', value });
    return this;
  }

  setInteger(key: string, value: number): this {
    this.entries.set(key, { type: 'integer', value });
    return this;
  }

  /** Sets the key only when the item does not have it yet (what the SDK or the user set wins). */
  setStringDefault(key: string, value: string | undefined): this {
    if (!this.entries.has(key)) this.setString(key, value);
    return this;
  }

  build(): TypedAttributes {
    return Object.fromEntries(this.entries);
  }
}

/** The value of a string attribute among OTLP pairs (the last one of that key), if it is a non-empty string. */
export function stringAttribute(pairs: readonly KeyValue[], key: string): string | undefined {
  let found: string | undefined;
  for (const pair of pairs) {
    if (pair.key !== key) continue;
    const v = pair.value;
    found = v.type === 'string' && v.value !== '' ? v.value : undefined;
  }
  return found;
}

/** The value of a boolean attribute among OTLP pairs (a `"true"` string counts, as some SDKs send it). */
export function booleanAttribute(pairs: readonly KeyValue[], key: string): boolean | undefined {
  let found: boolean | undefined;
  for (const pair of pairs) {
    if (pair.key !== key) continue;
    const v = pair.value;
    found = v.type === 'bool' ? v.value : v.type === 'string' ? v.value === 'true' : undefined;
  }
  return found;
}
