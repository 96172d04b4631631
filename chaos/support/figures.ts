import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chaosProfile } from './profile';

/** Where a run's figures go, one file per profile: docs/reliability.md quotes the long one. */
export const figuresFile = (): string =>
  resolve(__dirname, '..', 'results', `${chaosProfile().name}.json`);

/**
 * Records one test's figures (kills survived, intents checked, requests fuzzed...) under its
 * name in the profile's results file, beside what the other tests of the run wrote.
 */
export function recordFigures(test: string, figures: Record<string, unknown>): void {
  const file = figuresFile();
  const all = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)
    : {};
  all[test] = { ...figures, at: new Date().toISOString() };
  writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
}
