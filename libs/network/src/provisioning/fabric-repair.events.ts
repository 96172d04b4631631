import type { JsonValue } from '@loom/event-store';
import type { DomainEvent } from '@loom/intents';

/**
 * An operator asked for the fabric's drift to be repaired: who (the event's actor), why, what was
 * found drifted, and the `repair-leaf` sagas started for it (recorded as fabric work in the same
 * commit). The repair's id is also the correlation id of its events.
 */
export type FabricRepairRequested = DomainEvent<
  'FabricRepairRequested',
  {
    readonly repairId: string;
    readonly requestedBy: string;
    readonly reason: string;
    /** The devices the operator named; empty: every device with drift. */
    readonly requestedDevices: readonly string[];
    /** The devices a repair saga was started for: those with drift. */
    readonly devices: readonly string[];
    /** The differences found on those devices (FabricDifference of @loom/fabric, as JSON). */
    readonly drift: JsonValue;
    readonly sagaIds: readonly string[];
    /** Devices that could not be read: nothing was started for them. */
    readonly unreachable: readonly string[];
  }
>;

export type FabricRepairEvent = FabricRepairRequested;
