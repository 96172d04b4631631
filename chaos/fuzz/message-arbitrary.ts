import fc from 'fast-check';
import protobuf from 'protobufjs';
import { fuzzInt32, fuzzLong, fuzzString, fuzzUint32 } from './field-values';

/**
 * Requests generated from a message's descriptor: each field present or not, with valid-looking,
 * boundary and hostile values of its type; nested messages to a small depth; repeated fields
 * empty, short or long; enums with known and unknown numbers. Encoded to bytes here, so that
 * values protobuf.js would refuse to convert (an unknown enum number) still reach the server.
 */
export function messageArbitrary(
  type: protobuf.Type,
  depth = 0,
): fc.Arbitrary<Record<string, unknown>> {
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const field of type.fieldsArray) {
    const single = fieldArbitrary(field, depth);
    fields[field.name] = field.repeated
      ? fc.oneof(
          { weight: 4, arbitrary: fc.array(single, { maxLength: 3 }) },
          { weight: 1, arbitrary: fc.array(single, { minLength: 200, maxLength: 1000 }) },
        )
      : single;
  }
  return fc.record(fields, { requiredKeys: [] });
}

function fieldArbitrary(field: protobuf.Field, depth: number): fc.Arbitrary<unknown> {
  const resolved = field.resolve().resolvedType;
  if (resolved instanceof protobuf.Enum) {
    return fc.oneof(
      fc.constantFrom(...Object.values(resolved.values)),
      fc.integer({ min: -5, max: 500 }),
    );
  }
  if (resolved instanceof protobuf.Type) {
    if (depth >= 3) return fc.constant({});
    if (
      resolved.fullName === '.google.protobuf.Timestamp' ||
      resolved.fullName === '.google.protobuf.Duration'
    ) {
      return fc.record({ seconds: fuzzLong, nanos: fuzzInt32 }, { requiredKeys: [] });
    }
    return messageArbitrary(resolved, depth + 1);
  }
  switch (field.type) {
    case 'string':
      return fuzzString;
    case 'bytes':
      return fc.uint8Array({ maxLength: 64 });
    case 'bool':
      return fc.boolean();
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return fuzzInt32;
    case 'uint32':
    case 'fixed32':
      return fuzzUint32;
    case 'double':
    case 'float':
      return fc.double();
    default:
      return fuzzLong;
  }
}

/** Encodes what the arbitrary gave: `fromObject` would drop or refuse the hostile parts. */
export function encodeFuzzed(type: protobuf.Type, value: Record<string, unknown>): Buffer {
  const message = type.create();
  assign(type, message as unknown as Record<string, unknown>, value);
  return Buffer.from(type.encode(message).finish());
}

function assign(
  type: protobuf.Type,
  target: Record<string, unknown>,
  value: Record<string, unknown>,
): void {
  for (const [name, given] of Object.entries(value)) {
    const field = type.fields[name];
    if (!field) continue;
    const resolved = field.resolve().resolvedType;
    const convert = (item: unknown): unknown => {
      if (resolved instanceof protobuf.Type) {
        const nested = resolved.create() as unknown as Record<string, unknown>;
        assign(resolved, nested, item as Record<string, unknown>);
        return nested;
      }
      if (typeof item === 'string' && !['string', 'bytes'].includes(field.type)) {
        return toLong(item, field.type.startsWith('u') || field.type.startsWith('fixed'));
      }
      return item;
    };
    target[name] = field.repeated ? (given as unknown[]).map(convert) : convert(given);
  }
}

function toLong(text: string, unsigned: boolean): unknown {
  try {
    return (
      protobuf.util.Long as unknown as { fromString(t: string, u: boolean): unknown }
    ).fromString(text, unsigned);
  } catch {
    return 0;
  }
}
