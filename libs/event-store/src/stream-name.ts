import { InvalidStreamNameError } from './errors';

export const maxStreamNameLength = 200;
const allowed = /^[A-Za-z0-9][A-Za-z0-9_.:@/-]*$/;

/**
 * Stream names look like `vpc-7f3c...` or `reservation/l3-vni/10042`: letters, digits and `_ . : @ / -`,
 * starting with a letter or digit (names starting with `$` are reserved by EventStoreDB).
 */
export function assertStreamName(stream: unknown): asserts stream is string {
  if (typeof stream !== 'string') throw new InvalidStreamNameError(stream, 'must be a string');
  if (stream.length === 0) throw new InvalidStreamNameError(stream, 'must not be empty');
  if (stream.length > maxStreamNameLength) {
    throw new InvalidStreamNameError(stream, `must be at most ${maxStreamNameLength} characters`);
  }
  if (!allowed.test(stream)) {
    throw new InvalidStreamNameError(
      stream,
      'must start with a letter or digit and hold only letters, digits and _ . : @ / -',
    );
  }
}
