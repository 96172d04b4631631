import type { CreateVrf } from '../operations/fabric-operation';

/** What a fabric-worker.ts process does, shared with the tests that check its work. */
export interface WorkerArguments {
  readonly mode: 'hammer' | 'loop';
  readonly directory: string;
  readonly worker: number;
  readonly count: number;
  readonly shared: number;
  /** When given, the worker says `ready` and waits for this file to appear before it starts. */
  readonly goFile?: string;
}

export interface WorkerLine {
  readonly key: string;
  readonly id: string;
  readonly status: string;
}

export function ownVrf(worker: number, index: number): { device: string; operation: CreateVrf } {
  const l3Vni = 100_000 * worker + index;
  return {
    device: `leaf${(index % 4) + 1}`,
    operation: {
      kind: 'createVrf',
      vrf: `w${worker}-${index}`,
      l3Vni,
      rd: `65000:${l3Vni}`,
      importRts: [`65000:${l3Vni}`],
      exportRts: [`65000:${l3Vni}`],
    },
  };
}

export function sharedVrf(index: number): { device: string; operation: CreateVrf } {
  const l3Vni = 900_000 + index;
  return {
    device: 'leaf1',
    operation: {
      kind: 'createVrf',
      vrf: `shared-${index}`,
      l3Vni,
      rd: `65000:${l3Vni}`,
      importRts: [],
      exportRts: [],
    },
  };
}
