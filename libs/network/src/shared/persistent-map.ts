/**
 * Immutable maps and sets whose versions share structure (a hash array mapped trie): `set` and
 * `delete` copy the few nodes on one path, not the whole collection. Deciders' `evolve` returns a
 * new state per event, and a copied Map made each event cost as much as the map is large.
 */
type Key = string | number;

interface Bucket<K, V> {
  readonly kind: 'bucket';
  readonly hash: number;
  /** Keys whose whole 32-bit hash is the same (usually one). */
  readonly entries: readonly (readonly [K, V])[];
}

interface Branch<K, V> {
  readonly kind: 'branch';
  /** 32 slots, indexed by 5 bits of the hash per level. */
  readonly children: readonly (TrieNode<K, V> | undefined)[];
}

type TrieNode<K, V> = Bucket<K, V> | Branch<K, V>;

const bitsPerLevel = 5;
const slotMask = 31;

function hashOf(key: Key): number {
  if (typeof key === 'number') {
    let hash = Math.imul(key | 0, 0x9e3779b1);
    hash ^= hash >>> 16;
    return hash >>> 0;
  }
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index += 1) {
    hash = Math.imul(hash ^ key.charCodeAt(index), 0x01000193);
  }
  return hash >>> 0;
}

function slotOf(hash: number, shift: number): number {
  return (hash >>> shift) & slotMask;
}

function lookup<K, V>(root: TrieNode<K, V> | undefined, key: K, hash: number): V | undefined {
  let node = root;
  for (let shift = 0; node !== undefined; shift += bitsPerLevel) {
    if (node.kind === 'bucket') {
      if (node.hash !== hash) return undefined;
      return node.entries.find(([candidate]) => candidate === key)?.[1];
    }
    node = node.children[slotOf(hash, shift)];
  }
  return undefined;
}

function insert<K, V>(
  node: TrieNode<K, V> | undefined,
  key: K,
  value: V,
  hash: number,
  shift: number,
): TrieNode<K, V> {
  if (node === undefined) return { kind: 'bucket', hash, entries: [[key, value]] };
  if (node.kind === 'bucket') {
    if (node.hash === hash) {
      const entries = node.entries.filter(([candidate]) => candidate !== key);
      return { kind: 'bucket', hash, entries: [...entries, [key, value]] };
    }
    // Two hashes differ at some bit below 32, so they part at a shift of at most 30.
    const children = new Array<TrieNode<K, V> | undefined>(32).fill(undefined);
    children[slotOf(node.hash, shift)] = node;
    return insert({ kind: 'branch', children }, key, value, hash, shift);
  }
  const slot = slotOf(hash, shift);
  const children = [...node.children];
  children[slot] = insert(node.children[slot], key, value, hash, shift + bitsPerLevel);
  return { kind: 'branch', children };
}

function remove<K, V>(
  node: TrieNode<K, V> | undefined,
  key: K,
  hash: number,
  shift: number,
): TrieNode<K, V> | undefined {
  if (node === undefined) return undefined;
  if (node.kind === 'bucket') {
    const entries = node.entries.filter(([candidate]) => candidate !== key);
    return entries.length === 0 ? undefined : { kind: 'bucket', hash: node.hash, entries };
  }
  const slot = slotOf(hash, shift);
  const children = [...node.children];
  children[slot] = remove(node.children[slot], key, hash, shift + bitsPerLevel);
  const left = children.filter((child) => child !== undefined);
  // A lone bucket can move up: lookups compare its whole hash wherever it sits.
  if (left.length === 0) return undefined;
  const [only] = left;
  if (left.length === 1 && only?.kind === 'bucket') return only;
  return { kind: 'branch', children };
}

function* entriesOf<K, V>(node: TrieNode<K, V> | undefined): Generator<readonly [K, V]> {
  if (node === undefined) return;
  if (node.kind === 'bucket') {
    yield* node.entries;
    return;
  }
  for (const child of node.children) yield* entriesOf(child);
}

export class PersistentMap<K extends Key, V> {
  private constructor(
    private readonly root: TrieNode<K, V> | undefined,
    readonly size: number,
  ) {}

  static empty<K extends Key, V>(): PersistentMap<K, V> {
    return new PersistentMap<K, V>(undefined, 0);
  }

  get(key: K): V | undefined {
    return lookup(this.root, key, hashOf(key));
  }

  has(key: K): boolean {
    return this.get(key) !== undefined;
  }

  /** Values must not be undefined: `get` could not tell them from a missing key. */
  set(key: K, value: V): PersistentMap<K, V> {
    const hash = hashOf(key);
    const added = lookup(this.root, key, hash) === undefined ? 1 : 0;
    return new PersistentMap(insert(this.root, key, value, hash, 0), this.size + added);
  }

  delete(key: K): PersistentMap<K, V> {
    const hash = hashOf(key);
    if (lookup(this.root, key, hash) === undefined) return this;
    return new PersistentMap(remove(this.root, key, hash, 0), this.size - 1);
  }

  entries(): IterableIterator<readonly [K, V]> {
    return entriesOf(this.root);
  }
}

export class PersistentSet<T extends Key> {
  private constructor(private readonly members: PersistentMap<T, true>) {}

  static empty<T extends Key>(): PersistentSet<T> {
    return new PersistentSet(PersistentMap.empty<T, true>());
  }

  get size(): number {
    return this.members.size;
  }

  has(member: T): boolean {
    return this.members.has(member);
  }

  add(member: T): PersistentSet<T> {
    return this.has(member) ? this : new PersistentSet(this.members.set(member, true));
  }

  delete(member: T): PersistentSet<T> {
    return this.has(member) ? new PersistentSet(this.members.delete(member)) : this;
  }

  *values(): IterableIterator<T> {
    for (const [member] of this.members.entries()) yield member;
  }
}
