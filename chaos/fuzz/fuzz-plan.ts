import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import type protobuf from 'protobufjs';
import type { ReflectedMethod } from '../support/reflected-api';
import { encodeFuzzed, messageArbitrary } from './message-arbitrary';

export type FuzzKind = 'generated' | 'garbage' | 'truncated' | 'oversized';

export interface FuzzCase {
  readonly method: ReflectedMethod;
  readonly kind: FuzzKind;
  readonly body: Buffer;
  /** Which token the call carries. */
  readonly caller: 'portal' | 'tenant';
}

/** gRPC's default largest message (4 MiB) and a bit: the server must refuse it cleanly. */
const oversizedBytes = 4 * 1024 * 1024 + 1024;

/**
 * `count` requests spread over every method: mostly generated from the method's request
 * descriptor, some raw garbage, some valid encodings cut short, a few over the size limit.
 */
export function* fuzzCases(
  methods: readonly ReflectedMethod[],
  root: protobuf.Root,
  count: number,
  seed: number,
): Generator<FuzzCase> {
  const random = fc.sample(fc.double({ min: 0, max: 1, noNaN: true }), { numRuns: count, seed });
  const perMethod = Math.ceil(count / methods.length);
  const samples = new Map(
    methods.map((method) => {
      const type = root.lookupType(method.inputType);
      const values = fc.sample(messageArbitrary(type), {
        numRuns: perMethod,
        seed: seed + method.id.length,
      });
      return [method.id, { type, values }] as const;
    }),
  );
  for (let index = 0; index < count; index += 1) {
    const method = methods[index % methods.length];
    const sample = method ? samples.get(method.id) : undefined;
    if (!method || !sample) continue;
    const value = sample.values[Math.floor(index / methods.length) % sample.values.length] ?? {};
    const roll = random[index] ?? 0;
    const caller = roll > 0.8 ? 'tenant' : 'portal';
    const encoded = encodeFuzzed(sample.type, value);
    if (index % 1000 === 999) {
      yield { method, kind: 'oversized', body: Buffer.alloc(oversizedBytes, 0x0a), caller };
    } else if (roll < 0.05) {
      yield { method, kind: 'garbage', body: randomBytes(Math.floor(roll * 4000)), caller };
    } else if (roll < 0.1 && encoded.length > 1) {
      yield { method, kind: 'truncated', body: encoded.subarray(0, encoded.length - 1), caller };
    } else {
      yield { method, kind: 'generated', body: encoded, caller };
    }
  }
}
