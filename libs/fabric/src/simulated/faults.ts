import type { OperationKind } from '../operations/fabric-operation';

/**
 * What an injected fault does to the operation it hits:
 * - `fail`: the device refuses it; nothing is applied (reason `injected`).
 * - `time-out`: it never completes and nothing is applied; `await` reports `running` forever.
 * - `lose-reply`: the device applies it but the reply is lost: reported failed (`reply-lost`).
 * - `lose-reply-time-out`: the device applies it but no reply ever comes: `running` forever.
 */
export type FaultEffect = 'fail' | 'time-out' | 'lose-reply' | 'lose-reply-time-out';

export interface FaultSpec {
  readonly effect: FaultEffect;
  /** Only operations to this device (default: any device). */
  readonly device?: string;
  /** Only operations of this kind (default: any kind). */
  readonly operationKind?: OperationKind;
  /**
   * Only the nth matching operation submitted after the fault was injected (1-based), once.
   * Without it every matching operation is hit, up to `times`.
   */
  readonly nth?: number;
  /** At most this many operations are hit (default: unlimited, or 1 with `nth`). */
  readonly times?: number;
  /** The failure message, for `fail`. */
  readonly message?: string;
}

/** An injected fault and how far it has got; kept in the fabric's state so that it survives. */
export interface FaultRecord {
  readonly id: string;
  readonly spec: FaultSpec;
  /** Fresh submissions that matched the device and kind filters so far. */
  matched: number;
  /** Operations it has hit so far. */
  triggered: number;
}

function matches(spec: FaultSpec, device: string, kind: OperationKind): boolean {
  return (
    (spec.device === undefined || spec.device === device) &&
    (spec.operationKind === undefined || spec.operationKind === kind)
  );
}

/**
 * Counts a fresh submission against every fault and returns the first fault (in injection order)
 * that hits it. A repeat that answers with an earlier operation never gets here; a new attempt
 * under the key of a failed operation does.
 */
export function faultFor(
  faults: readonly FaultRecord[],
  device: string,
  kind: OperationKind,
): FaultRecord | undefined {
  let hit: FaultRecord | undefined;
  for (const fault of faults) {
    if (!matches(fault.spec, device, kind)) continue;
    fault.matched += 1;
    const { nth, times } = fault.spec;
    const limit = times ?? (nth === undefined ? Number.POSITIVE_INFINITY : 1);
    const due = nth === undefined || fault.matched === nth;
    if (hit === undefined && due && fault.triggered < limit) {
      fault.triggered += 1;
      hit = fault;
    }
  }
  return hit;
}

export function validateFaultSpec(spec: FaultSpec): string[] {
  const problems: string[] = [];
  const effects: readonly FaultEffect[] = ['fail', 'time-out', 'lose-reply', 'lose-reply-time-out'];
  if (!effects.includes(spec.effect))
    problems.push(`unknown fault effect ${JSON.stringify(spec.effect)}`);
  if (spec.nth !== undefined && (!Number.isInteger(spec.nth) || spec.nth < 1)) {
    problems.push('nth must be a whole number from 1');
  }
  if (spec.times !== undefined && (!Number.isInteger(spec.times) || spec.times < 1)) {
    problems.push('times must be a whole number from 1');
  }
  return problems;
}
