import { InvalidArgumentError } from '@loom/network';
import { readInstant, readLogPosition } from './audit-mapping';

describe('log positions in audit requests', () => {
  it('reads positions within the log range', () => {
    expect(readLogPosition('0', 'after_position')).toBe(0n);
    expect(readLogPosition('9223372036854775807', 'after_position')).toBe(2n ** 63n - 1n);
    expect(readInstant({ time: null, position: '42' }, 'at')).toEqual({ position: 42n });
  });

  // The chaos fuzzer's case: a uint64 beyond PostgreSQL's bigint failed deep in the query.
  it.each(['9223372036854775808', '10123201066431429678', '18446744073709551615', '-1', 'x', ''])(
    'refuses %j as INVALID_ARGUMENT naming the field',
    (text) => {
      expect(() => readInstant({ time: null, position: text }, 'from')).toThrow(
        InvalidArgumentError,
      );
      const refusal = (() => {
        try {
          return readLogPosition(text, 'from.position');
        } catch (error) {
          return error;
        }
      })();
      expect(refusal).toMatchObject({
        violations: [
          {
            field: 'from.position',
            description: 'must be a log position from 0 to 9223372036854775807',
          },
        ],
      });
    },
  );
});
