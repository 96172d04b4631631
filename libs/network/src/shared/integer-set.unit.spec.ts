import { IntegerSet } from './integer-set';

/** A small deterministic generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
}

describe('IntegerSet', () => {
  it('finds the lowest absent integer of a range like a scan does', () => {
    const next = random(11);
    const reference = new Set<number>();
    let set = IntegerSet.empty();
    const first = 4_000;
    const last = 6_999;
    const scan = (from: number, to: number): number | undefined => {
      for (let value = from; value <= to; value += 1) if (!reference.has(value)) return value;
      return undefined;
    };
    for (let step = 0; step < 4_000; step += 1) {
      if (next() < 0.25 && reference.size > 0) {
        const value = first + Math.floor(next() * (last - first + 1));
        set = set.delete(value);
        reference.delete(value);
      } else {
        const value = set.firstAbsent(first, last);
        expect(value).toBe(scan(first, last));
        if (value === undefined) break;
        set = set.add(value);
        reference.add(value);
      }
      expect(set.size).toBe(reference.size);
    }
    const from = first + 100;
    expect(set.firstAbsent(from, from + 50)).toBe(scan(from, from + 50));
  });

  it('fills a range to the end, then finds nothing; its bounds are inclusive', () => {
    let set = IntegerSet.empty();
    for (let value = 1; value <= 100; value += 1) set = set.add(value);
    expect(set.firstAbsent(1, 100)).toBeUndefined();
    expect(set.firstAbsent(0, 100)).toBe(0);
    expect(set.firstAbsent(50, 101)).toBe(101);
    expect(set.has(100)).toBe(true);
    expect(set.delete(64).firstAbsent(1, 100)).toBe(64);
    expect(set.firstAbsent(16_777_000, 16_777_215)).toBe(16_777_000);
    expect(() => set.add(-1)).toThrow(RangeError);
  });
});
