import type { TopologyProblem, TopologyProblemCode } from '../errors';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects problems as it goes so that one pass reports all of them. */
export class Problems {
  readonly list: TopologyProblem[] = [];
  add(path: string, code: TopologyProblemCode, message: string): void {
    this.list.push({ path, code, message });
  }
}
