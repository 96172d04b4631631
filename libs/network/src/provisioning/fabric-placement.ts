import type { FieldViolation } from '@loom/errors';

/** Which switches and interfaces exist: what a port's binding may name (from the topology). */
export interface FabricPlacement {
  /** Violations for a leaf that does not carry tenants or an interface it does not have. */
  check(leaf: string, switchInterface: string): FieldViolation[];
}

/** Starts the fabric work of an intent as a saga; idempotent on the saga id. */
export interface FabricWorkStarter {
  start(
    type: string,
    sagaId: string,
    resourceKey: string,
    input: Readonly<Record<string, unknown>>,
  ): Promise<void>;
}

/** Sagas on one leaf run one after another: their "is this still needed there" checks hold. */
export const leafResourceKey = (leaf: string): string => `leaf/${leaf}`;
