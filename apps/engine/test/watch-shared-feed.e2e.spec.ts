import type { ClientReadableStream } from '@grpc/grpc-js';
import type { ResourceChange } from '@loom/api-contract';
import { startTestEngine, type TestEngine } from '../../../test/support/engine-harness';
import type { LoomClients } from '../../../test/support/grpc-client';
import { tenantBody } from '../../../test/support/network-fixtures';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A Watch stream and the changes it received. */
interface Watched {
  readonly stream: ClientReadableStream<ResourceChange>;
  readonly changes: ResourceChange[];
}

function watch(c: LoomClients, tenant: string): Watched {
  const stream = c.watch.watch({ parent: `tenants/${tenant}` });
  const changes: ResourceChange[] = [];
  stream.on('data', (change: ResourceChange) => {
    changes.push(change);
  });
  stream.on('error', () => undefined);
  return { stream, changes };
}

async function rename(c: LoomClients, tenant: string, displayName: string): Promise<void> {
  await c.tenants.updateTenant({
    tenant: {
      ...tenantBody({ vpcs: 1, subnets: 1, ports: 1 }),
      name: `tenants/${tenant}`,
      displayName,
    },
    updateMask: { paths: ['display_name'] } as never,
  });
}

/** Waits (at most `timeoutMs`) until every watcher has received `count` changes. */
async function received(watchers: readonly Watched[], count: number, timeoutMs = 30_000) {
  for (let waited = 0; waited < timeoutMs; waited += 100) {
    if (watchers.every((watcher) => watcher.changes.length >= count)) return;
    await sleep(100);
  }
  const short = watchers.filter((watcher) => watcher.changes.length < count).length;
  throw new Error(`${short} of ${watchers.length} watchers received fewer than ${count} changes`);
}

const positions = (watched: Watched): bigint[] =>
  watched.changes.map((change) => BigInt(change.position));
const increasing = (values: readonly bigint[]): boolean =>
  values.every((value, index) => index === 0 || value > values[index - 1]!);

/** Every Watch stream of an engine follows one shared reading of the log (WatchFeed). */
describe('Watch streams sharing one reading of the log', () => {
  let engine: TestEngine;
  let portal: LoomClients;
  let alice: LoomClients;
  let bob: LoomClients;

  beforeAll(async () => {
    engine = await startTestEngine();
    portal = await engine.clientsAs('portal');
    for (const tenantId of ['alice', 'bob']) {
      await portal.tenants.createTenant({
        tenantId,
        tenant: tenantBody({ vpcs: 1, subnets: 1, ports: 1 }),
        requestId: '',
      });
    }
    alice = await engine.clientsAs('tenant', 'alice');
    bob = await engine.clientsAs('tenant', 'bob');
  });
  afterAll(async () => {
    await engine.stop();
  });

  it('gives each of 60 watchers of two tenants its own tenant’s changes only, each once, in order', async () => {
    const watchers = [
      ...Array.from({ length: 30 }, () => ({ tenant: 'alice', ...watch(alice, 'alice') })),
      ...Array.from({ length: 30 }, () => ({ tenant: 'bob', ...watch(bob, 'bob') })),
    ];
    // Until every stream follows: a change made before a Watch started is not its to receive.
    for (let round = 0; round < 50; round += 1) {
      if (watchers.every((watcher) => watcher.changes.length > 0)) break;
      await Promise.all([
        rename(portal, 'alice', `warm ${round}`),
        rename(portal, 'bob', `warm ${round}`),
      ]);
      await sleep(200);
    }
    const before = watchers.map((watcher) => watcher.changes.length);
    for (let round = 0; round < 10; round += 1) {
      await Promise.all([
        rename(portal, 'alice', `a ${round}`),
        rename(portal, 'bob', `b ${round}`),
      ]);
    }
    for (const tenant of ['alice', 'bob']) {
      const own = watchers.filter((watcher) => watcher.tenant === tenant);
      await received(own, Math.max(...before) + 10);
      const tails = own.map((watcher) => positions(watcher).slice(-10).join());
      expect(new Set(tails).size).toBe(1);
      for (const watcher of own) {
        expect(increasing(positions(watcher))).toBe(true);
        expect(
          watcher.changes.filter((change) => change.resourceName !== `tenants/${tenant}`),
        ).toEqual([]);
        expect(watcher.changes.at(-1)?.tenant?.displayName).toBe(`${tenant.slice(0, 1)} 9`);
      }
    }
    for (const watcher of watchers) watcher.stream.cancel();
  });

  it('lets a watcher that stopped reading resume with every change since, once each, in order', async () => {
    const reader = watch(alice, 'alice');
    const paused = watch(alice, 'alice');
    for (let round = 0; round < 50; round += 1) {
      if (reader.changes.length > 0 && paused.changes.length > 0) break;
      await rename(portal, 'alice', `warm ${round}`);
      await sleep(200);
    }
    paused.stream.pause();
    const reading = reader.changes.length;
    // Far more than HTTP/2 flow control, the server's buffer and the watcher's queue hold.
    const changes = 800;
    let next = 0;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        while (next < changes) {
          next += 1;
          await rename(portal, 'alice', `${next} ${'x'.repeat(120)}`);
        }
      }),
    );
    await received([reader], reading + changes);
    expect(paused.changes.length).toBeLessThan(reading + changes);
    paused.stream.resume();
    const last = positions(reader).at(-1);
    for (let waited = 0; waited < 30_000 && positions(paused).at(-1) !== last; waited += 100) {
      await sleep(100);
    }
    await sleep(500);
    const readerTail = positions(reader).slice(-changes);
    expect(positions(paused).slice(-changes)).toEqual(readerTail);
    expect(increasing(positions(paused))).toBe(true);
    expect(new Set(positions(paused)).size).toBe(paused.changes.length);
    reader.stream.cancel();
    paused.stream.cancel();
  });
});
