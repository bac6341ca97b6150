import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import type { AnyValue } from '../otlp/model.ts';
import { KEY_VALUE, type MessageSchema } from '../otlp/schema.ts';

// OTLP requests for tests that send what no exporter can be made to send (bad ids, odd values, unknown
// fields): messages built from a few fields, and their protobuf encoding, along the decoder's own
// schema tables. What real exporters send is tested with the real exporters (exporters.test.ts, decode.test.ts).

/** A message given by some of its fields, nested messages too; the others take their defaults. */
export type Init<T> = { readonly [K in keyof T]?: InitOf<T[K]> };
type InitOf<V> = V extends Uint8Array | AnyValue | bigint | string | number | boolean | undefined
  ? V
  : V extends readonly (infer Item)[]
    ? readonly InitOf<Item>[]
    : Init<V>;

type Loose = Record<string, unknown>;

/** The whole message `init` describes, as the decoder would make it. */
export function fill<T>(schema: MessageSchema<T>, init: Init<T>): T {
  const message = schema.create() as Loose;
  for (const field of schema.fields) {
    const value = (init as Loose)[field.name];
    if (value === undefined) continue;
    const type = field.type;
    if (typeof type === 'string') message[field.name] = value;
    else if (field.repeated) message[field.name] = (value as Init<unknown>[]).map((item) => fill(type, item));
    else message[field.name] = fill(type, value as Init<unknown>);
  }
  return message as T;
}

/** The protobuf encoding of `message`, fields at their default left out as protobuf writers do. */
export function encodeProtobuf<T>(schema: MessageSchema<T>, message: T): Uint8Array {
  return writeMessage(new BinaryWriter(), schema, message).finish();
}

function writeMessage<T>(writer: BinaryWriter, schema: MessageSchema<T>, message: T): BinaryWriter {
  for (const field of schema.fields) {
    const value = (message as Loose)[field.name];
    const { number, type } = field;
    if (typeof type === 'object') {
      const items = field.repeated ? (value as unknown[]) : value === undefined ? [] : [value];
      for (const item of items) writeMessage(writer.tag(number, WireType.LengthDelimited).fork(), type, item).join();
      continue;
    }
    switch (type) {
      case 'string':
        if (value !== '') writer.tag(number, WireType.LengthDelimited).string(value as string);
        break;
      case 'id':
        if ((value as Uint8Array).length > 0) writer.tag(number, WireType.LengthDelimited).bytes(value as Uint8Array);
        break;
      case 'uint32':
        if (value !== 0) writer.tag(number, WireType.Varint).uint32(value as number);
        break;
      case 'enum':
        if (value !== 0) writer.tag(number, WireType.Varint).int32(value as number);
        break;
      case 'fixed32':
        if (value !== 0) writer.tag(number, WireType.Bit32).fixed32(value as number);
        break;
      case 'fixed64':
        if (value !== 0n) writer.tag(number, WireType.Bit64).fixed64(value as bigint);
        break;
      case 'value':
        if ((value as AnyValue).type !== 'empty')
          writeAnyValue(writer.tag(number, WireType.LengthDelimited).fork(), value as AnyValue).join();
        break;
    }
  }
  return writer;
}

function writeAnyValue(writer: BinaryWriter, value: AnyValue): BinaryWriter {
  switch (value.type) {
    case 'string':
      return writer.tag(1, WireType.LengthDelimited).string(value.value);
    case 'bool':
      return writer.tag(2, WireType.Varint).bool(value.value);
    case 'int':
      return writer.tag(3, WireType.Varint).int64(value.value);
    case 'double':
      return writer.tag(4, WireType.Bit64).double(value.value);
    case 'array': {
      writer.tag(5, WireType.LengthDelimited).fork();
      for (const item of value.value) writeAnyValue(writer.tag(1, WireType.LengthDelimited).fork(), item).join();
      return writer.join();
    }
    case 'kvlist': {
      writer.tag(6, WireType.LengthDelimited).fork();
      for (const pair of value.value) writeMessage(writer.tag(1, WireType.LengthDelimited).fork(), KEY_VALUE, pair).join();
      return writer.join();
    }
    case 'bytes':
      return writer.tag(7, WireType.LengthDelimited).bytes(value.value);
    case 'empty':
      return writer;
  }
}

/** The fields of a protobuf message, by number: what tests read from the sidecar's answers. */
export function protobufFields(bytes: Uint8Array): Map<number, Uint8Array | bigint> {
  const reader = new BinaryReader(bytes);
  const fields = new Map<number, Uint8Array | bigint>();
  while (reader.pos < reader.len) {
    const [number, wireType] = reader.tag();
    if (wireType === WireType.Varint) fields.set(number, BigInt(reader.int64()));
    else if (wireType === WireType.LengthDelimited) fields.set(number, reader.bytes());
    else reader.skip(wireType, number);
  }
  return fields;
}
