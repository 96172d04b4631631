import { LoomError } from '@loom/errors';
import type { JsonValue } from '@loom/event-store';
import { operationIdempotencyKey, type DeviceState, type FabricDriver } from '@loom/fabric';
import { defineSaga, sagaType, type AnySagaDefinition, type StepContext } from '@loom/sagas';
import type { AggregateStore } from '@loom/intents';
import { convergencePlan } from './convergence-plan';
import { runDeviceOperation } from './device-operations';
import { intendedDeviceState } from './intended-fabric';

export interface RepairLeafInput {
  readonly leaf: string;
  /** Who asked for the repair (`role:subject`): recorded with the saga's input. */
  readonly requestedBy: string;
  /** Why (absent on repairs recorded before reasons were required). */
  readonly reason?: string;
  /** The FabricRepairRequested that started it (absent on older repairs). */
  readonly repairId?: string;
}

/** Saga type of a drift repair on one leaf; started by FabricDriftService.repair. */
export const repairLeafSaga = sagaType<RepairLeafInput>('repair-leaf');

export interface RepairLeafSagaDependencies {
  readonly driver: FabricDriver;
  readonly aggregates: AggregateStore;
  /** How long one device operation may take before the step counts as failed. */
  readonly deviceTimeoutMs: number;
}

/** One step may run many operations (a leaf wiped clean); each is bounded by deviceTimeoutMs. */
const convergeTimeoutMs = 10 * 60_000;

/**
 * The step failed on purpose: it did what it could, and some drift needs a person. A failed
 * precondition: the leaf is not in a state a repair can converge on its own.
 */
export class RepairIncompleteError extends LoomError {
  readonly kind = 'failed-precondition';

  constructor(leaf: string, unresolved: readonly string[]) {
    super(`${leaf}: left unrepaired: ${unresolved.join('; ')}`);
  }
}

/**
 * `repair-leaf`: one step, `converge`, that reads the leaf's intent and its actual state when it
 * runs (not when the repair was asked for: port sagas queued before it on the leaf have changed
 * both by then) and applies the operations of convergencePlan. It runs on the leaf's resource key,
 * so never beside a port saga on that leaf, and a port saga queued behind it finds its work done.
 */
export function fabricRepairSaga(dependencies: RepairLeafSagaDependencies): AnySagaDefinition {
  const { driver, aggregates, deviceTimeoutMs } = dependencies;
  const converge = async (context: StepContext<RepairLeafInput>) => {
    const { leaf } = context.input;
    const intended = await intendedDeviceState(aggregates, leaf);
    const actual = await driver.readState(leaf);
    const plan = convergencePlan(intended, actual);
    let changed = 0;
    for (const operation of plan.operations) {
      context.signal.throwIfAborted();
      // A plan is computed afresh by every attempt, so its place in the plan could name a
      // different operation in a rerun: the key is derived from what the operation is.
      const key = operationIdempotencyKey(context.idempotencyKey, operation);
      const outcome = await runDeviceOperation(driver, leaf, operation, key, deviceTimeoutMs);
      if (outcome.changed) changed += 1;
    }
    if (plan.unresolved.length > 0) throw new RepairIncompleteError(leaf, plan.unresolved);
    return { operations: plan.operations.length, changed };
  };
  /** Puts the leaf back as the first step found it: a repair is all or nothing, like every saga. */
  const restore = async (context: StepContext<RepairLeafInput>) => {
    const before = context.results['snapshot'] as unknown as DeviceState | undefined;
    if (!before) return;
    const { leaf } = context.input;
    const plan = convergencePlan(before, await driver.readState(leaf));
    for (const operation of plan.operations) {
      const key = operationIdempotencyKey(context.idempotencyKey, operation);
      await runDeviceOperation(driver, leaf, operation, key, deviceTimeoutMs);
    }
  };
  return defineSaga<RepairLeafInput>({
    type: repairLeafSaga.type,
    steps: [
      {
        name: 'snapshot',
        // The leaf as the repair found it, recorded so that an undo can put it back.
        action: async (context) =>
          (await driver.readState(context.input.leaf)) as unknown as JsonValue,
        compensation: () => Promise.resolve(),
      },
      {
        name: 'converge',
        timeoutMs: convergeTimeoutMs,
        action: converge,
        compensation: restore,
      },
    ],
  });
}
