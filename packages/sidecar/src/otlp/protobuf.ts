import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { type DecodeLimits, OtlpDecodeError } from './decodeError.ts';
import { type AnyValue, EMPTY_VALUE, type KeyValue } from './model.ts';
import { type Field, KEY_VALUE, type MessageSchema, type ScalarType } from './schema.ts';

// OTLP protobuf, read field by field with @bufbuild/protobuf's wire reader along schema.ts's tables.
// As protobuf wants of a reader: fields it does not know, and known fields of an unexpected wire type
// (a schema change), are skipped; a singular message field that comes twice is merged, a scalar one
// takes the last value; strings with invalid UTF-8 keep U+FFFD in their place.

const WIRE_TYPES: Readonly<Record<ScalarType, WireType>> = {
  string: WireType.LengthDelimited,
  id: WireType.LengthDelimited,
  value: WireType.LengthDelimited,
  uint32: WireType.Varint,
  enum: WireType.Varint,
  fixed32: WireType.Bit32,
  fixed64: WireType.Bit64,
};
const wireTypeOf = (field: Field): WireType => (typeof field.type === 'string' ? WIRE_TYPES[field.type] : WireType.LengthDelimited);

/**
 * AnyValue's fields by number: string_value, bool_value, int_value (int64), double_value, array_value,
 * kvlist_value, bytes_value. A oneof: the last one set wins.
 */
const ANY_VALUE_WIRE_TYPES: readonly (WireType | undefined)[] = [
  undefined,
  WireType.LengthDelimited,
  WireType.Varint,
  WireType.Varint,
  WireType.Bit64,
  WireType.LengthDelimited,
  WireType.LengthDelimited,
  WireType.LengthDelimited,
];

/** How deep groups (a wire type no OTLP field uses) are skipped. */
const MAX_GROUP_DEPTH = 32;

/** A reason the body is malformed, found by this reader (the wire reader throws plain Errors). */
class Malformed extends Error {}

type Mutable = Record<string, unknown>;

class Reader {
  private readonly wire: BinaryReader;
  /** Where the field being read starts, and the message it is in: for error messages. */
  fieldAt = 0;
  inside = '';

  constructor(
    bytes: Uint8Array,
    private readonly limits: DecodeLimits,
  ) {
    this.wire = new BinaryReader(bytes);
  }

  /**
   * Whether `inside` (a message ending at `end`) has another field; notes where it starts. Each
   * reading loop reads the field's tag, then the field or skips it, then calls `within`.
   */
  private more(inside: string, end: number): boolean {
    this.fieldAt = this.wire.pos;
    this.inside = inside;
    return this.wire.pos < end;
  }

  /** Skips a field this reader does not read: unknown, or of an unexpected wire type. */
  private skip(number: number, wireType: WireType): void {
    this.wire.skip(wireType, number, MAX_GROUP_DEPTH);
  }

  /**
   * Checks that the field just read did not run past the end of its message. Only a scalar or a
   * skipped field can (a message field's length is checked by `delimited`), and neither moves the
   * position `more` noted, which the message names.
   */
  private within(end: number, number: number): void {
    if (this.wire.pos > end)
      throw new Malformed(`field ${number} of ${this.inside} at byte ${this.fieldAt} runs past the end of its ${this.inside}`);
  }

  /**
   * Reads the length prefix of the field `what` (`Message.field_name`) whose tag was just read, and
   * returns where the field ends, which must be within `end`.
   */
  private delimited(what: string, end: number): number {
    const at = this.fieldAt;
    const length = this.wire.uint32();
    const left = this.wire.len - this.wire.pos;
    if (length > left) throw new Malformed(`it ends inside a field (${what} at byte ${at} is ${length} bytes long, ${left} follow)`);
    const stop = this.wire.pos + length;
    if (stop > end) throw new Malformed(`${what} at byte ${at} runs past the end of the message that holds it`);
    return stop;
  }

  message<T>(schema: MessageSchema<T>, end: number, depth: number, into?: T): T {
    const message = (into ?? schema.create()) as Mutable;
    while (this.more(schema.name, end)) {
      const [number, wireType] = this.wire.tag();
      const field = schema.byNumber[number];
      if (field !== undefined && wireType === wireTypeOf(field)) this.field(schema, field, message, end, depth);
      else this.skip(number, wireType);
      this.within(end, number);
    }
    return message as T;
  }

  private field(schema: MessageSchema<unknown>, field: Field, message: Mutable, end: number, depth: number): void {
    const wire = this.wire;
    switch (field.type) {
      case 'string':
        message[field.name] = wire.string();
        return;
      case 'id':
        message[field.name] = wire.bytes();
        return;
      case 'uint32':
        message[field.name] = wire.uint32();
        return;
      case 'enum':
        message[field.name] = wire.int32();
        return;
      case 'fixed32':
        message[field.name] = wire.fixed32();
        return;
      case 'fixed64':
        message[field.name] = BigInt(wire.fixed64());
        return;
      case 'value':
        message[field.name] = this.anyValue(this.delimited(`${schema.name}.${field.protoName}`, end), depth + 1);
        return;
      default: {
        const stop = this.delimited(`${schema.name}.${field.protoName}`, end);
        if (field.repeated) (message[field.name] as unknown[]).push(this.message(field.type, stop, depth));
        else message[field.name] = this.message(field.type, stop, depth, message[field.name]);
      }
    }
  }

  /** An AnyValue that ends at `end`, `depth` levels deep (1 for an attribute's value). */
  private anyValue(end: number, depth: number): AnyValue {
    if (depth > this.limits.maxValueDepth) {
      throw new Malformed(`AnyValue nested more than ${this.limits.maxValueDepth} deep at byte ${this.wire.pos}`);
    }
    const wire = this.wire;
    let value: AnyValue = EMPTY_VALUE;
    while (this.more('AnyValue', end)) {
      const [number, wireType] = wire.tag();
      if (wireType !== ANY_VALUE_WIRE_TYPES[number]) this.skip(number, wireType);
      else {
        switch (number) {
          case 1:
            value = { type: 'string', value: wire.string() };
            break;
          case 2:
            value = { type: 'bool', value: wire.bool() };
            break;
          case 3:
            value = { type: 'int', value: BigInt(wire.int64()) };
            break;
          case 4:
            value = { type: 'double', value: wire.double() };
            break;
          case 5: {
            const stop = this.delimited('AnyValue.array_value', end);
            value = { type: 'array', value: this.values('ArrayValue', stop, (itemEnd) => this.anyValue(itemEnd, depth + 1)) };
            break;
          }
          case 6: {
            const stop = this.delimited('AnyValue.kvlist_value', end);
            value = {
              type: 'kvlist',
              value: this.values('KeyValueList', stop, (itemEnd): KeyValue => this.message(KEY_VALUE, itemEnd, depth)),
            };
            break;
          }
          case 7:
            value = { type: 'bytes', value: wire.bytes() };
            break;
        }
      }
      this.within(end, number);
    }
    return value;
  }

  /** The `values` (field 1) of an ArrayValue or KeyValueList that ends at `end`. */
  private values<T>(inside: string, end: number, read: (end: number) => T): T[] {
    const values: T[] = [];
    while (this.more(inside, end)) {
      const [number, wireType] = this.wire.tag();
      if (number === 1 && wireType === WireType.LengthDelimited) values.push(read(this.delimited(`${inside}.values`, end)));
      else this.skip(number, wireType);
      this.within(end, number);
    }
    return values;
  }
}

/** The first line of what the wire reader threw, which names the problem (`illegal tag: ...`). */
function reason(error: Error): string {
  return (error.message.split('\n')[0] ?? '').slice(0, 200);
}

/**
 * Reads `bytes` as the protobuf encoding of `schema`'s message. Throws an OtlpDecodeError saying what
 * is wrong and where when they are not one.
 */
export function readProtobuf<T>(schema: MessageSchema<T>, bytes: Uint8Array, limits: DecodeLimits): T {
  const reader = new Reader(bytes, limits);
  try {
    return reader.message(schema, bytes.length, 0);
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    const where = `a field of ${reader.inside} at byte ${reader.fieldAt}`;
    let why: string;
    if (error instanceof Malformed) why = error.message;
    // Reading past the end: the wire reader's bounds check, or a DataView's for fixed-size values.
    else if (error instanceof RangeError) why = `it ends inside a field (${where}: ${reason(error)})`;
    else why = `${reason(error)} (${where})`;
    throw new OtlpDecodeError(`malformed protobuf ${schema.name}: ${why}`);
  }
}
