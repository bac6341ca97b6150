import { type DecodeLimits, OtlpDecodeError } from './decodeError.ts';
import { type AnyValue, EMPTY_VALUE, type KeyValue } from './model.ts';
import { type Field, KEY_VALUE, type MessageSchema } from './schema.ts';

// OTLP/JSON, read along schema.ts's tables as the OTLP specification writes it: protobuf's JSON
// mapping (lowerCamelCase keys, the proto names accepted too; 64-bit integers as strings or numbers;
// enums as numbers, their names accepted too; `null` for a field's default; unknown keys ignored),
// except that trace and span ids are hex, not base64. Bytes in an AnyValue are base64.

type JsonObject = { readonly [key: string]: unknown };

/** What is wrong with one value, and where it is (filled in as the error goes up through its containers). */
class JsonProblem extends Error {
  readonly path: (string | number)[] = [];
  /** The field it was found in, `Message.proto_name`. */
  field = '';

  constructor(
    readonly problem: string,
    /** A bad id has a message of its own: hex is where OTLP/JSON parts from protobuf's JSON mapping. */
    readonly badId = false,
  ) {
    super(problem);
  }
}

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A value as an error message quotes it. */
function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (Array.isArray(value)) return 'Array';
  if (value === null || typeof value !== 'object') return String(value);
  return 'object';
}

const expected = (what: string, value: unknown) => new JsonProblem(`expected ${what}, got ${show(value)}`);

const HEX = /^(?:[0-9a-fA-F]{2})*$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
const INTEGER = /^-?[0-9]+$/;

function id(value: unknown): Uint8Array {
  if (typeof value !== 'string') throw expected('hex string', value);
  if (!HEX.test(value)) throw new JsonProblem(`is not hex (${show(value)})`, true);
  return Buffer.from(value, 'hex');
}

/** An integer from a JSON number or its decimal text, within [min, max]. */
function integer(value: unknown, min: bigint, max: bigint): bigint {
  let parsed: bigint | undefined;
  if (typeof value === 'number' && Number.isInteger(value)) parsed = BigInt(value);
  else if (typeof value === 'string' && INTEGER.test(value.trim())) parsed = BigInt(value.trim());
  if (parsed === undefined || parsed < min || parsed > max) throw expected(`an integer from ${min} to ${max}`, value);
  return parsed;
}

const UINT32_MAX = 2n ** 32n - 1n;
const INT32 = 2n ** 31n;
const INT64 = 2n ** 63n;

function enumValue(value: unknown, names: readonly string[]): number {
  if (typeof value === 'string' && !INTEGER.test(value.trim())) {
    const index = names.indexOf(value);
    if (index < 0) throw expected("an integer or a value's name", value);
    return index;
  }
  return Number(integer(value, -INT32, INT32 - 1n));
}

function double(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    if (value === 'NaN') return Number.NaN;
    if (value === 'Infinity') return Number.POSITIVE_INFINITY;
    if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
    const parsed = value.trim() === '' ? Number.NaN : Number(value);
    if (!Number.isNaN(parsed)) return parsed;
  }
  throw expected('a number', value);
}

function string(value: unknown): string {
  if (typeof value !== 'string') throw expected('string', value);
  return value;
}

function object(value: unknown): JsonObject {
  if (!isObject(value)) throw expected('object', value);
  return value;
}

function array(value: unknown): readonly unknown[] {
  if (!Array.isArray(value)) throw expected('Array', value);
  return value;
}

/** Runs `read`, adding `step` to the path of a problem it throws. */
function at<T>(step: string | number, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof JsonProblem) error.path.unshift(step);
    throw error;
  }
}

/** The items of a list, each read by `read`; a problem's path names the item. */
function items<T>(value: unknown, read: (item: unknown) => T): T[] {
  return array(value).map((item, index) => at(index, () => read(item)));
}

class Reader {
  constructor(private readonly limits: DecodeLimits) {}

  message<T>(schema: MessageSchema<T>, json: JsonObject, depth: number): T {
    const message = schema.create() as Record<string, unknown>;
    for (const key of Object.keys(json)) {
      const field = schema.byJsonKey.get(key);
      const value = json[key];
      if (field === undefined || value === null) continue;
      message[field.name] = at(key, () => {
        try {
          return this.field(field, value, depth);
        } catch (error) {
          if (error instanceof JsonProblem && error.field === '') error.field = `${schema.name}.${field.protoName}`;
          throw error;
        }
      });
    }
    return message as T;
  }

  private field(field: Field, value: unknown, depth: number): unknown {
    const type = field.type;
    if (typeof type === 'object') {
      if (field.repeated) return items(value, (item) => this.message(type, object(item), depth));
      return this.message(type, object(value), depth);
    }
    switch (type) {
      case 'string':
        return string(value);
      case 'id':
        return id(value);
      case 'uint32':
      case 'fixed32':
        return Number(integer(value, 0n, UINT32_MAX));
      case 'enum':
        return enumValue(value, field.enumNames ?? []);
      case 'fixed64':
        return integer(value, 0n, 2n ** 64n - 1n);
      case 'value':
        return this.anyValue(object(value), depth + 1);
    }
  }

  /** An AnyValue, `depth` levels deep (1 for an attribute's value). The last of its keys that is set wins. */
  private anyValue(json: JsonObject, depth: number): AnyValue {
    if (depth > this.limits.maxValueDepth) throw new JsonProblem(`AnyValue nested more than ${this.limits.maxValueDepth} deep`);
    let value: AnyValue = EMPTY_VALUE;
    for (const key of Object.keys(json)) {
      const v = json[key];
      if (v === null) continue;
      const read = (): AnyValue | undefined => {
        switch (key) {
          case 'stringValue':
          case 'string_value':
            return { type: 'string', value: string(v) };
          case 'boolValue':
          case 'bool_value':
            if (typeof v !== 'boolean') throw expected('boolean', v);
            return { type: 'bool', value: v };
          case 'intValue':
          case 'int_value':
            return { type: 'int', value: integer(v, -INT64, INT64 - 1n) };
          case 'doubleValue':
          case 'double_value':
            return { type: 'double', value: double(v) };
          case 'bytesValue':
          case 'bytes_value':
            if (typeof v !== 'string' || !BASE64.test(v)) throw expected('base64 string', v);
            return { type: 'bytes', value: Buffer.from(v, 'base64') };
          case 'arrayValue':
          case 'array_value':
            return { type: 'array', value: this.values(v, (item) => this.anyValue(object(item), depth + 1)) };
          case 'kvlistValue':
          case 'kvlist_value':
            return { type: 'kvlist', value: this.values(v, (item): KeyValue => this.message(KEY_VALUE, object(item), depth)) };
          default:
            return undefined;
        }
      };
      value = at(key, () => {
        try {
          return read() ?? value;
        } catch (error) {
          if (error instanceof JsonProblem && error.field === '')
            error.field = `AnyValue.${key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
          throw error;
        }
      });
    }
    return value;
  }

  /** The `values` of an ArrayValue or KeyValueList. */
  private values<T>(json: unknown, read: (item: unknown) => T): T[] {
    const list = object(json).values;
    return list === undefined || list === null ? [] : at('values', () => items(list, read));
  }
}

/** A path as JavaScript would write it; past 160 characters (deep values), its middle is left out. */
function pathText(path: readonly (string | number)[]): string {
  const steps = path.map((step, index) => (typeof step === 'number' ? `[${step}]` : `${index > 0 ? '.' : ''}${step}`));
  if (steps.join('').length <= 160) return steps.join('');
  let head = '';
  let first = 0;
  while (first < steps.length && head.length + (steps[first]?.length ?? 0) <= 100) head += steps[first++];
  let tail = '';
  for (let last = steps.length - 1; last >= first && tail.length + (steps[last]?.length ?? 0) <= 50; last--) tail = steps[last] + tail;
  return `${head} ... ${tail}`;
}

/**
 * Reads parsed OTLP/JSON as `schema`'s message. Throws an OtlpDecodeError naming the field and where
 * it is when the JSON is not that message.
 */
export function readJson<T>(schema: MessageSchema<T>, json: unknown, limits: DecodeLimits): T {
  if (!isObject(json)) throw new OtlpDecodeError(`malformed JSON ${schema.name}: expected object, got ${show(json)}`);
  try {
    return new Reader(limits).message(schema, json, 0);
  } catch (error) {
    if (!(error instanceof JsonProblem)) throw error;
    const where = pathText(error.path);
    if (error.badId) throw new OtlpDecodeError(`malformed OTLP JSON: ${where} ${error.problem}`);
    // As protobuf's JSON readers say it; the path when the field is not at the top.
    const inside = error.path.length > 1 ? ` (at ${where})` : '';
    throw new OtlpDecodeError(`malformed JSON ${schema.name}: cannot decode field ${error.field} from JSON: ${error.problem}${inside}`);
  }
}
