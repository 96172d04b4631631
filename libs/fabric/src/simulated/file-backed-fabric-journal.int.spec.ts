import { appendFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownVrf } from '../testing/fabric-worker-plan';
import { createVrf, run, smallTopology } from '../testing/fabric-fixtures';
import { defaultTopology } from '../topology/default-topology';
import { openFileBackedFabric } from './file-backed-fabric';
import { devicesDirectoryName, fabricFileName } from './file-world-store';
import { legacyStateFileName, migratedLegacyStateFileName } from './legacy-state-file';
import { createWorld, settle, submit } from './simulated-world';

const journalOf = async (directory: string, device: string): Promise<string> => {
  const names = await readdir(join(directory, devicesDirectoryName, device));
  const journal = names.find((name) => name.startsWith('journal-'));
  if (!journal) throw new Error(`no journal for ${device}`);
  return join(directory, devicesDirectoryName, device, journal);
};

describe('file-backed simulated fabric: its device journals', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'loom-fabric-journal-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('folds journals into snapshots while two instances drive the same devices, losing nothing', async () => {
    const options = { directory, topology: defaultTopology, compactJournalAfterBytes: 2_000 };
    const [a, b] = [await openFileBackedFabric(options), await openFileBackedFabric(options)];
    await Promise.all(
      [a, b].map((fabric, worker) =>
        Promise.all(
          Array.from({ length: 40 }, async (_, index) => {
            const { operation } = ownVrf(worker + 1, index);
            const device = index % 2 === 0 ? 'leaf1' : 'leaf2';
            expect(await run(fabric, device, operation, `w${worker}-${index}`)).toEqual({
              status: 'succeeded',
              changed: true,
            });
            // The other instance's effect under the same key is that one effect.
            const again = await (worker === 0 ? b : a).submit(
              device,
              operation,
              `w${worker}-${index}`,
            );
            expect(await (worker === 0 ? b : a).poll(again)).toEqual({
              status: 'succeeded',
              changed: true,
            });
          }),
        ),
      ),
    );
    // Folded at least once: the journal's generation moved on.
    expect(await journalOf(directory, 'leaf1')).not.toMatch(/journal-1\.jsonl$/);
    const fresh = await openFileBackedFabric({ directory });
    const snapshot = await fresh.snapshot();
    expect(snapshot['leaf1']?.vrfs).toHaveLength(40);
    expect(snapshot['leaf2']?.vrfs).toHaveLength(40);
    expect(await a.snapshot()).toEqual(snapshot);
    expect(await b.snapshot()).toEqual(snapshot);
    const counters = await fresh.counters();
    expect(counters['leaf1']?.createVrf).toEqual({ applied: 40, unchanged: 0, failed: 0 });
    expect(await fresh.operationLog()).toHaveLength(80);
  });

  it("appends what an operation changed, not the device's whole configuration", async () => {
    const fabric = await openFileBackedFabric({ directory, topology: smallTopology });
    const lineAfter = async (key: string): Promise<number> => {
      const journal = await journalOf(directory, 'leaf1');
      const before = (await stat(journal)).size;
      await run(fabric, 'leaf1', createVrf(`vrf-${key}`, 60_000 + Number(key)), key);
      return (await stat(journal)).size - before;
    };
    const onEmpty = await lineAfter('1');
    await fabric.tamper('leaf1', (state) => ({
      ...state,
      prefixes: Array.from({ length: 5_000 }, (_, index) => ({
        vrf: 'vrf-1',
        prefix: `10.0.${index >> 8}.${index & 255}/32`,
      })),
    }));
    const onLarge = await lineAfter('2');
    expect(onEmpty).toBeLessThan(1_000);
    expect(Math.abs(onLarge - onEmpty)).toBeLessThan(50);
    // Another process rebuilds the device from the journal: the prefixes and both VRFs.
    const state = await (await openFileBackedFabric({ directory })).readState('leaf1');
    expect(state.prefixes).toHaveLength(5_000);
    expect(state.vrfs.map((vrf) => vrf.name)).toEqual(['vrf-1', 'vrf-2']);
  });

  it('cuts off the torn last line of a writer that died mid-append', async () => {
    const first = await openFileBackedFabric({ directory, topology: smallTopology });
    await run(first, 'leaf1', createVrf('red', 50001), 'red');
    const journal = await journalOf(directory, 'leaf1');
    const intact = await readFile(journal, 'utf8');
    await appendFile(journal, '{"records":[{"id":"op-2","idempo');

    const second = await openFileBackedFabric({ directory });
    // Reading skips the unfinished line; the next write, under the lock, cuts it off.
    expect((await second.readState('leaf1')).vrfs.map((vrf) => vrf.name)).toEqual(['red']);
    await run(second, 'leaf1', createVrf('blue', 50002), 'blue');
    const text = await readFile(journal, 'utf8');
    expect(text.startsWith(intact)).toBe(true);
    expect(text.slice(intact.length)).toMatch(
      /^\{"records":\[\{"id":"op-2","idempotencyKey":"blue"/,
    );
    const third = await openFileBackedFabric({ directory });
    expect((await third.readState('leaf1')).vrfs.map((vrf) => vrf.name)).toEqual(['blue', 'red']);
  });

  it('migrates a directory of the single-file format, keeping devices, counters and faults', async () => {
    const world = createWorld(smallTopology, { defaultMs: 0 });
    submit(world, 'leaf1', createVrf('red', 50001), 'red', 0);
    settle(world, 0);
    world.latency = { defaultMs: 60_000 };
    // Still queued when the old engine stopped: it runs at the migration.
    submit(world, 'leaf2', createVrf('blue', 50002), 'blue', 0);
    world.faults.push({
      id: 'fault-1',
      spec: { effect: 'fail', device: 'leaf2' },
      matched: 0,
      triggered: 0,
    });
    world.nextFaultId = 2;
    await writeFile(join(directory, legacyStateFileName), JSON.stringify(world));
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const fabric = await openFileBackedFabric({ directory });
      expect(fabric.topology).toEqual(smallTopology);
      expect((await fabric.readState('leaf1')).vrfs.map((vrf) => vrf.name)).toEqual(['red']);
      expect((await fabric.readState('leaf2')).vrfs.map((vrf) => vrf.name)).toEqual(['blue']);
      expect((await fabric.counters())['leaf1']).toEqual({
        createVrf: { applied: 1, unchanged: 0, failed: 0 },
      });
      // The latency carried over too (a minute): back to none, to see the fault at once.
      await fabric.setLatency(0);
      expect(await run(fabric, 'leaf2', createVrf('green', 50003))).toMatchObject({
        status: 'failed',
        reason: 'injected',
      });
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]?.[0])).toContain('migrated');
    } finally {
      warn.mockRestore();
    }
    const names = await readdir(directory);
    expect(names).toContain(fabricFileName);
    expect(names).toContain(migratedLegacyStateFileName);
    expect(names).not.toContain(legacyStateFileName);
  });
});
