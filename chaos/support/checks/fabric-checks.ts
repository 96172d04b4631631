import type { FabricCounters, FabricState, OperationLogEntry } from '@loom/fabric';
import type { LoomClients } from '../../../test/support/grpc-client';

/** Pairs of operations whose effects add and take away one item the device state shows. */
const balances: readonly {
  add: string;
  remove: string;
  held: (state: FabricState[string]) => number;
}[] = [
  { add: 'createVrf', remove: 'deleteVrf', held: (state) => state.vrfs.length },
  {
    add: 'configureBgpEvpn',
    remove: 'removeBgpEvpn',
    held: (state) => state.vrfs.filter((vrf) => vrf.bgpEvpn).length,
  },
  {
    add: 'bindL2Vni',
    remove: 'unbindL2Vni',
    held: (state) => state.l2Vnis.reduce((sum, l2Vni) => sum + l2Vni.interfaces.length, 0),
  },
];

/**
 * No device effect applied twice, counted on the simulated devices: no idempotency key took
 * effect more than once, and on every device the effects applied (adds minus removes) are exactly
 * what it holds, so no add ran twice and no remove was lost.
 */
export function checkDeviceEffects(
  log: readonly OperationLogEntry[],
  counters: FabricCounters,
  state: FabricState,
): { violations: string[]; effects: number } {
  const violations: string[] = [];
  const changedByKey = new Map<string, number>();
  let effects = 0;
  for (const entry of log) {
    const changed =
      (entry.outcome.status === 'succeeded' && entry.outcome.changed) ||
      entry.fault === 'lose-reply' ||
      entry.fault === 'lose-reply-time-out';
    if (!changed) continue;
    effects += 1;
    changedByKey.set(entry.idempotencyKey, (changedByKey.get(entry.idempotencyKey) ?? 0) + 1);
  }
  for (const [key, times] of changedByKey) {
    if (times > 1) violations.push(`idempotency key ${key} took effect ${times} times`);
  }
  for (const [device, held] of Object.entries(state)) {
    const applied = counters[device] ?? {};
    for (const balance of balances) {
      const net =
        (applied[balance.add as keyof typeof applied]?.applied ?? 0) -
        (applied[balance.remove as keyof typeof applied]?.applied ?? 0);
      if (net !== balance.held(held)) {
        violations.push(
          `${device}: ${balance.add} - ${balance.remove} applied ${net}, holds ${balance.held(held)}`,
        );
      }
    }
  }
  return { violations, effects };
}

/** Device state equals intent: the engine's own drift report is empty and every device read. */
export async function checkNoDrift(ops: LoomClients): Promise<string[]> {
  const drift = await ops.fabric.getFabricDrift({});
  return [
    ...drift.items.map((item) => `drift: ${JSON.stringify(item)}`),
    ...drift.unreachableDevices.map((device) => `drift unknown: ${device} unreachable`),
  ];
}
