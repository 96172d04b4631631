import type { LoomClients } from '../../../test/support/grpc-client';
import type { ChaosCluster } from '../cluster';
import type { IntentLedger } from '../ledger';
import { checkClaims, liveResources } from './claim-checks';
import { byStream, readEventLog } from './event-log';
import { checkDeviceEffects, checkNoDrift } from './fabric-checks';
import { checkIntents, checkNothingHalf } from './intent-checks';
import { checkSagas } from './saga-checks';
import { checkUpdates } from './update-checks';

export interface RoundReport {
  readonly violations: string[];
  readonly events: number;
  readonly liveResources: number;
  readonly sagas: number;
  readonly takeovers: number;
  readonly deviceEffects: number;
}

/** Every invariant of the campaign, once the cluster is quiet: the log, the claims, the devices. */
export async function checkRound(
  cluster: ChaosCluster,
  ledger: IntentLedger,
  ops: LoomClients,
): Promise<RoundReport> {
  const events = await readEventLog(cluster.databaseUrl());
  const streams = byStream(events);
  const sagas = checkSagas(streams);
  const fabric = await cluster.fabric();
  const effects = checkDeviceEffects(
    await fabric.operationLog(),
    await fabric.counters(),
    await fabric.snapshot(),
  );
  const internal = ledger.internalErrors().map((r) => `${r.method} ${r.name}: INTERNAL`);
  return {
    violations: [
      ...internal,
      ...checkIntents(ledger.records, streams),
      ...checkNothingHalf(streams),
      ...checkUpdates(ledger.records, streams),
      ...checkClaims(events),
      ...sagas.violations,
      ...effects.violations,
      ...(await checkNoDrift(ops)),
    ],
    events: events.length,
    liveResources: liveResources(events).size,
    sagas: sagas.sagas,
    takeovers: sagas.takeovers,
    deviceEffects: effects.effects,
  };
}
