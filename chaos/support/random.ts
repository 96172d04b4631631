/** A seeded generator (mulberry32), so a failing run can be told apart and its seed quoted. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The seed of this run: LOOM_CHAOS_SEED to replay one, else the clock. */
export function runSeed(): number {
  const given = process.env['LOOM_CHAOS_SEED'];
  return given === undefined ? Date.now() % 1_000_000_007 : Number(given);
}

export function weighted<T extends string>(
  weights: Readonly<Record<T, number>>,
  random: () => number,
): T {
  const entries = Object.entries(weights) as [T, number][];
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  let point = random() * total;
  for (const [key, weight] of entries) {
    point -= weight;
    if (point < 0) return key;
  }
  const last = entries[entries.length - 1];
  if (!last) throw new Error('no weights');
  return last[0];
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));
