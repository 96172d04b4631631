/**
 * How hard the campaign pushes: `short` is what CI runs (under 5 minutes, every check), `long`
 * is run by hand before a release (at least 100 kills, 100,000 fuzzed requests). `npm run chaos`
 * sets LOOM_CHAOS_PROFILE from `--profile`.
 */
export type ChaosProfileName = 'short' | 'long';

export interface ChaosProfile {
  readonly name: ChaosProfileName;
  readonly crashes: {
    /** Rounds of load with kills; the invariants are checked after each. */
    readonly rounds: number;
    /** SIGKILLs per round, at random moments, spread over the engines. */
    readonly killsPerRound: number;
    /** Open-loop arrivals per second over all clients. */
    readonly intentsPerSecond: number;
    readonly clients: number;
    readonly engines: number;
  };
  readonly outages: { readonly postgresKills: number; readonly postgresPauses: number };
  readonly model: { readonly runs: number; readonly scheduledRuns: number };
  readonly fuzz: { readonly requests: number };
}

const profiles: Readonly<Record<ChaosProfileName, ChaosProfile>> = {
  short: {
    name: 'short',
    crashes: { rounds: 2, killsPerRound: 3, intentsPerSecond: 12, clients: 3, engines: 2 },
    outages: { postgresKills: 1, postgresPauses: 1 },
    model: { runs: 12, scheduledRuns: 6 },
    fuzz: { requests: 5_000 },
  },
  long: {
    name: 'long',
    crashes: { rounds: 10, killsPerRound: 12, intentsPerSecond: 16, clients: 4, engines: 3 },
    outages: { postgresKills: 5, postgresPauses: 3 },
    model: { runs: 150, scheduledRuns: 60 },
    fuzz: { requests: 100_000 },
  },
};

export function chaosProfile(): ChaosProfile {
  const name = process.env['LOOM_CHAOS_PROFILE'] ?? 'short';
  if (name !== 'short' && name !== 'long') {
    throw new Error(`LOOM_CHAOS_PROFILE must be short or long, not ${name}`);
  }
  return profiles[name];
}
