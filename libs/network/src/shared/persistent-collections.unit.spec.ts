import { IntegerSet } from './integer-set';
import { PersistentMap, PersistentSet } from './persistent-map';

/** A small deterministic generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
}

describe('PersistentMap', () => {
  it('behaves as a Map through thousands of sets and deletes, old versions unchanged', () => {
    const next = random(7);
    const reference = new Map<string, number>();
    let map = PersistentMap.empty<string, number>();
    const versions: [PersistentMap<string, number>, Map<string, number>][] = [];
    for (let step = 0; step < 5_000; step += 1) {
      const key = `op-${Math.floor(next() * 700)}`;
      if (next() < 0.3) {
        map = map.delete(key);
        reference.delete(key);
      } else {
        map = map.set(key, step);
        reference.set(key, step);
      }
      if (step % 500 === 0) versions.push([map, new Map(reference)]);
    }
    for (const [version, expected] of [...versions, [map, reference] as const]) {
      expect(version.size).toBe(expected.size);
      expect(new Map(version.entries())).toEqual(expected);
      for (let key = 0; key < 700; key += 1) {
        expect(version.get(`op-${key}`)).toBe(expected.get(`op-${key}`));
      }
    }
  });

  it('keeps keys whose hashes collide apart', () => {
    // The same 32-bit FNV-1a hash.
    const [a, b] = ['op-39124', 'op-734300'];
    const both = PersistentMap.empty<string, number>().set(a, 1).set(b, 2).set('other', 3);
    expect([both.get(a), both.get(b), both.size]).toEqual([1, 2, 3]);
    const withoutA = both.delete(a);
    expect([withoutA.get(a), withoutA.get(b), withoutA.size]).toEqual([undefined, 2, 2]);
    expect(both.set(b, 5).get(a)).toBe(1);
  });

  it('holds number keys, also after deletes', () => {
    let map = PersistentMap.empty<number, string>();
    for (let key = 0; key < 3_000; key += 1) map = map.set(key * 65_536, `v${key}`);
    expect(map.size).toBe(3_000);
    expect(map.get(2_999 * 65_536)).toBe('v2999');
    for (let key = 0; key < 3_000; key += 2) map = map.delete(key * 65_536);
    expect(map.size).toBe(1_500);
    expect(map.has(2 * 65_536)).toBe(false);
    expect(map.get(3 * 65_536)).toBe('v3');
  });
});

describe('PersistentSet', () => {
  it('adds and deletes without touching the versions before', () => {
    const empty = PersistentSet.empty<string>();
    const one = empty.add('a');
    const two = one.add('b').add('b');
    const back = two.delete('a');
    expect([empty.size, one.size, two.size, back.size]).toEqual([0, 1, 2, 1]);
    expect(one.has('b')).toBe(false);
    expect([...back.values()]).toEqual(['b']);
    expect(back.delete('zz')).toBe(back);
  });
});

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
