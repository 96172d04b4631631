import type { JsonObject } from '@loom/event-store';

/**
 * A drift repair as Changes shows it: why, which devices, what was found drifted there, the sagas
 * started to repair it (their steps are in Trace) and the devices that could not be read. Who
 * asked is the entry's actor.
 */
export function fabricRepairView(data: JsonObject): JsonObject {
  const field = (name: string) => data[name] ?? null;
  return {
    reason: field('reason'),
    requestedDevices: field('requestedDevices'),
    devices: field('devices'),
    drift: field('drift'),
    sagaIds: field('sagaIds'),
    unreachable: field('unreachable'),
  };
}
