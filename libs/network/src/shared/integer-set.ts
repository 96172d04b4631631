/**
 * An immutable set of integers from 0 to 2^30 - 1 whose versions share structure: a 32-way trie
 * of bit words, each node counting its members, so that `add` and `delete` copy one path and
 * `firstAbsent` skips full subtrees. Made for pools of numbers (VNIs) where the lowest free one
 * is wanted again and again.
 */
interface Word {
  readonly kind: 'word';
  readonly count: number;
  /** Bit i set: member base + i. */
  readonly bits: number;
}

interface Inner {
  readonly kind: 'inner';
  readonly count: number;
  readonly children: readonly (IntegerNode | undefined)[];
}

type IntegerNode = Word | Inner;

const bitsPerLevel = 5;
/** The shift of the root's children: 6 levels of 5 bits. */
const rootShift = 25;
export const integerSetLimit = 2 ** 30;

/** How many integers a node at `shift` covers. */
const capacity = (shift: number): number => 2 ** (shift + bitsPerLevel);

/** A node at `shift` covers 2^(shift + 5) integers; its children are chosen by bits shift..shift+4. */
function contains(node: IntegerNode | undefined, value: number, shift: number): boolean {
  if (node === undefined) return false;
  if (node.kind === 'word') return (node.bits & (1 << (value & 31))) !== 0;
  return contains(node.children[(value >>> shift) & 31], value, shift - bitsPerLevel);
}

/** The node with `value` added (`present`) or removed; the caller knows it was not or was in. */
function toggle(
  node: IntegerNode | undefined,
  value: number,
  shift: number,
  present: boolean,
): IntegerNode | undefined {
  const count = (node?.count ?? 0) + (present ? 1 : -1);
  if (shift === 0) {
    const bits = (node?.kind === 'word' ? node.bits : 0) ^ (1 << (value & 31));
    return count === 0 ? undefined : { kind: 'word', count, bits };
  }
  const children =
    node?.kind === 'inner'
      ? [...node.children]
      : new Array<IntegerNode | undefined>(32).fill(undefined);
  const slot = (value >>> shift) & 31;
  children[slot] = toggle(children[slot], value, shift - bitsPerLevel, present);
  return count === 0 ? undefined : { kind: 'inner', count, children };
}

/** The smallest integer of [from, to] not in the subtree at `base`, if any. */
function firstAbsentIn(
  node: IntegerNode | undefined,
  base: number,
  shift: number,
  from: number,
  to: number,
): number | undefined {
  const low = Math.max(from, base);
  const high = Math.min(to, base + capacity(shift) - 1);
  if (low > high) return undefined;
  if (node === undefined) return low;
  if (node.count === capacity(shift)) return undefined;
  if (node.kind === 'word') {
    for (let value = low; value <= high; value += 1) {
      if ((node.bits & (1 << (value - base))) === 0) return value;
    }
    return undefined;
  }
  const childShift = shift - bitsPerLevel;
  const span = capacity(childShift);
  for (let slot = Math.floor((low - base) / span); slot <= (high - base) / span; slot += 1) {
    const found = firstAbsentIn(node.children[slot], base + slot * span, childShift, from, to);
    if (found !== undefined) return found;
  }
  return undefined;
}

export class IntegerSet {
  private constructor(private readonly root: IntegerNode | undefined) {}

  static empty(): IntegerSet {
    return new IntegerSet(undefined);
  }

  get size(): number {
    return this.root?.count ?? 0;
  }

  has(value: number): boolean {
    return inRange(value) && contains(this.root, value, rootShift);
  }

  add(value: number): IntegerSet {
    check(value);
    if (this.has(value)) return this;
    return new IntegerSet(toggle(this.root, value, rootShift, true));
  }

  delete(value: number): IntegerSet {
    if (!this.has(value)) return this;
    return new IntegerSet(toggle(this.root, value, rootShift, false));
  }

  /** The smallest integer from `from` to `to` (inclusive) not in the set, if any. */
  firstAbsent(from: number, to: number): number | undefined {
    return firstAbsentIn(
      this.root,
      0,
      rootShift,
      Math.max(from, 0),
      Math.min(to, integerSetLimit - 1),
    );
  }
}

function inRange(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value < integerSetLimit;
}

function check(value: number): void {
  if (!inRange(value)) throw new RangeError(`${value} is not an integer from 0 to 2^30 - 1`);
}
