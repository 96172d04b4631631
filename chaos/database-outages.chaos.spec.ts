import { status } from '@grpc/grpc-js';
import { eventually, grpcHealthOf } from '../test/support/engine-health';
import { tenantBody } from '../test/support/network-fixtures';
import { ChaosCluster } from './support/cluster';
import { checkRound } from './support/checks/round-checks';
import { recordFigures } from './support/figures';
import { HealthWatch } from './support/health-watch';
import { tenantQuota } from './support/intents';
import { IntentLedger } from './support/ledger';
import { loadClients, OpenLoopLoad } from './support/load';
import { chaosProfile } from './support/profile';
import { waitForQuiescence } from './support/quiescence';
import { runSeed, seededRandom, sleep } from './support/random';
import { TenantView } from './support/tenant-view';

const profile = chaosProfile();
const seed = runSeed();
const leaseMs = 2_000;

describe(`database outages under load (seed ${seed})`, () => {
  let cluster: ChaosCluster;

  beforeAll(async () => {
    cluster = await ChaosCluster.start({
      engines: 2,
      env: { LOOM_FABRIC_LATENCY_MS: '120', LOOM_SAGA_LEASE_MS: String(leaseMs) },
    });
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it(`survives PostgreSQL killed ${profile.outages.postgresKills}x and paused past the saga lease ${profile.outages.postgresPauses}x: NOT_SERVING and UNAVAILABLE while it is gone, serving again by itself, nothing acknowledged lost, no saga step on two workers`, async () => {
    const random = seededRandom(seed);
    const portal = await cluster.clients(0, 'portal');
    const views = [new TenantView('outage-a'), new TenantView('outage-b')];
    for (const view of views) {
      await portal.tenants.createTenant({
        tenantId: view.tenant,
        tenant: tenantBody(tenantQuota),
        requestId: '',
      });
    }
    const ledger = new IntentLedger();
    const load = new OpenLoopLoad(
      await loadClients(cluster, views),
      ledger,
      { intentsPerSecond: 10, maxInFlightPerClient: 12, attempts: 12, callDeadlineMs: 5_000 },
      random,
    );
    const outages: {
      kind: string;
      downMs: number;
      health: Record<number, string[]>;
      recoveredMs: number;
    }[] = [];
    const outage = async (kind: 'kill' | 'pause', downMs: number): Promise<void> => {
      load.start();
      await sleep(2_000 + random() * 2_000);
      const watch = new HealthWatch(cluster);
      const started = Date.now();
      if (kind === 'kill') await cluster.postgres.kill();
      else await cluster.postgres.signalServer('SIGSTOP');
      await sleep(downMs);
      // While it is gone: a call is refused at once as UNAVAILABLE (not left to hang).
      const refused = await portal.tenants
        .getTenant({ name: 'tenants/outage-a' }, { deadline: Date.now() + 5_000 })
        .then(
          () => status.OK,
          (error: unknown) => (error as { code: number }).code,
        );
      if (kind === 'kill') await cluster.restartPostgres(false);
      else await cluster.postgres.signalServer('SIGCONT');
      for (const slot of cluster.slots) {
        await eventually(
          () => grpcHealthOf(slot.address),
          (health) => health === 'SERVING',
          60_000,
        );
      }
      const recoveredMs = Date.now() - started - downMs;
      await sleep(1_500);
      await load.stop();
      const health = await watch.stop();
      outages.push({ kind, downMs, health, recoveredMs });
      expect({ kind, refused: status[refused] }).toEqual({ kind, refused: 'UNAVAILABLE' });
      for (const seen of Object.values(health)) expect(seen).toContain('NOT_SERVING');
      // The same processes throughout: the engines waited for their database, none exited.
      expect(
        cluster.slots.map((slot) => (slot.process ? slot.process.child.exitCode : 'gone')),
      ).toEqual(cluster.slots.map(() => null));
    };
    for (let index = 0; index < profile.outages.postgresKills; index += 1) {
      await outage('kill', 3_000);
    }
    for (let index = 0; index < profile.outages.postgresPauses; index += 1) {
      await outage('pause', leaseMs * 3);
    }
    const quiet = await waitForQuiescence(cluster.databaseUrl(), 120_000);
    const report = await checkRound(cluster, ledger, await cluster.clients(0, 'ops'));
    recordFigures('databaseOutages', {
      seed,
      postgresKills: profile.outages.postgresKills,
      postgresPauses: profile.outages.postgresPauses,
      pauseMs: leaseMs * 3,
      leaseMs,
      recoveredMs: outages.map((o) => o.recoveredMs),
      intents: ledger.counts(),
      sagas: report.sagas,
      sagasTakenOver: report.takeovers,
      violations: report.violations.length,
    });
    expect({ quiet: quiet.settled, violations: report.violations.slice(0, 20) }).toEqual({
      quiet: true,
      violations: [],
    });
  });
});
