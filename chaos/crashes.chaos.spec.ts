import { tenantBody } from '../test/support/network-fixtures';
import { ChaosCluster } from './support/cluster';
import { checkRound, type RoundReport } from './support/checks/round-checks';
import { recordFigures } from './support/figures';
import { tenantQuota } from './support/intents';
import { IntentLedger } from './support/ledger';
import { loadClients, OpenLoopLoad } from './support/load';
import { chaosProfile } from './support/profile';
import { waitForQuiescence } from './support/quiescence';
import { runSeed, seededRandom, sleep } from './support/random';
import { TenantView } from './support/tenant-view';

const profile = chaosProfile().crashes;
const seed = runSeed();

describe(`crashes under load (${chaosProfile().name} profile, seed ${seed})`, () => {
  let cluster: ChaosCluster;

  beforeAll(async () => {
    cluster = await ChaosCluster.start({
      engines: profile.engines,
      // Device latency keeps sagas in flight when the kills land; a short lease moves a dead
      // worker's sagas on within the round.
      env: { LOOM_FABRIC_LATENCY_MS: '120', LOOM_SAGA_LEASE_MS: '2000' },
    });
  });
  afterAll(async () => {
    await cluster.stop();
  });

  it(`SIGKILLs ${profile.engines} engines ${profile.rounds * profile.killsPerRound} times under an open-loop mix; after every round nothing acknowledged is lost or doubled, nothing refused half-exists, claims equal resources, sagas end, devices equal intent`, async () => {
    const random = seededRandom(seed);
    const portal = await cluster.clients(0, 'portal');
    const ops = await cluster.clients(0, 'ops');
    const views = Array.from(
      { length: profile.clients },
      (_, index) => new TenantView(`chaos-c${index}`),
    );
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
      {
        intentsPerSecond: profile.intentsPerSecond,
        maxInFlightPerClient: 12,
        attempts: 8,
        callDeadlineMs: 10_000,
      },
      random,
    );
    let kills = 0;
    const reports: RoundReport[] = [];
    for (let round = 1; round <= profile.rounds; round += 1) {
      load.start();
      // Kills at random moments, each engine restarted at once in the background, so that a
      // kill may land on an engine still starting, and every engine may be down at once.
      const restarts: Promise<void>[] = [];
      for (let kill = 0; kill < profile.killsPerRound; kill += 1) {
        await sleep(500 + random() * 2_500);
        const running = cluster.running();
        const victim = running[Math.floor(random() * running.length)];
        if (victim === undefined) continue;
        await cluster.killEngine(victim);
        kills += 1;
        restarts.push(cluster.startEngine(victim).catch(() => undefined));
      }
      await Promise.all(restarts);
      await cluster.restartMissing();
      await sleep(1_000);
      await load.stop();
      const quiet = await waitForQuiescence(cluster.databaseUrl(), 120_000);
      const report = await checkRound(cluster, ledger, ops);
      reports.push(report);
      process.stderr.write(
        `[chaos] round ${round}: ${kills} kills, intents ${JSON.stringify(ledger.counts())}, ` +
          `${report.events} events, ${report.sagas} sagas (${report.takeovers} taken over), ` +
          `${report.deviceEffects} device effects, quiet after ${quiet.waitedMs} ms, ` +
          `${report.violations.length} violations\n`,
      );
      expect({ round, quiet: quiet.settled, violations: report.violations.slice(0, 20) }).toEqual({
        round,
        quiet: true,
        violations: [],
      });
    }
    const last = reports[reports.length - 1];
    recordFigures('crashes', {
      seed,
      engines: profile.engines,
      rounds: profile.rounds,
      kills,
      intents: ledger.counts(),
      intentsChecked: ledger.records.length,
      shedArrivals: load.shed,
      events: last?.events,
      liveResources: last?.liveResources,
      sagas: last?.sagas,
      sagasTakenOver: last?.takeovers,
      deviceEffects: last?.deviceEffects,
      violations: 0,
    });
  });
});
