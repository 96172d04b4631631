import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FabricStoreError } from '../errors';
import { ownVrf, sharedVrf } from '../testing/fabric-worker-plan';
import { createVrf, run, smallTopology } from '../testing/fabric-fixtures';
import { spawnFabricWorker } from '../testing/spawn-fabric-worker';
import { defaultTopology } from '../topology/default-topology';
import { openFileBackedFabric } from './file-backed-fabric';
import {
  devicesDirectoryName,
  fabricFileName,
  lockFileName,
  settingsFileName,
} from './file-world-store';
import type { SimulatedFabric } from './simulated-fabric';
import type { FabricCounters } from './simulated-world';

function appliedTotal(counters: FabricCounters): number {
  return Object.values(counters)
    .flatMap((perKind) => Object.values(perKind))
    .reduce((sum, count) => sum + count.applied, 0);
}

async function vrfCount(fabric: SimulatedFabric): Promise<number> {
  const snapshot = await fabric.snapshot();
  return Object.values(snapshot).reduce((sum, state) => sum + state.vrfs.length, 0);
}

async function waitFor(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The pid of a process that has certainly ended. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('file-backed simulated fabric', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'loom-fabric-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('keeps devices, idempotency keys, counters and faults across a reopen', async () => {
    const first = await openFileBackedFabric({ directory, topology: smallTopology });
    const id = await first.submit('leaf1', createVrf('red', 50001), 'saga-1:vrf');
    await first.injectFault({ effect: 'fail', operationKind: 'deleteVrf' });
    const state = await first.snapshot();

    // As a restarted process would: a new instance on the same directory, no topology given.
    const second = await openFileBackedFabric({ directory });
    expect(second.topology).toEqual(smallTopology);
    expect(await second.snapshot()).toEqual(state);
    expect(await second.submit('leaf1', createVrf('red', 50001), 'saga-1:vrf')).toBe(id);
    expect(await second.poll(id)).toEqual({ status: 'succeeded', changed: true });
    expect(await run(second, 'leaf1', { kind: 'deleteVrf', vrf: 'red' })).toMatchObject({
      reason: 'injected',
    });
    expect((await second.counters())['leaf1']).toEqual({
      createVrf: { applied: 1, unchanged: 0, failed: 0 },
      deleteVrf: { applied: 0, unchanged: 0, failed: 1 },
    });
    // Only the fabric's files are left once the devices' locks were given back (10 ms after a
    // process's last transaction on the device): no lock, no temporary files.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await readdir(directory)).sort()).toEqual([
      devicesDirectoryName,
      fabricFileName,
      settingsFileName,
    ]);
    const leaf1 = await readdir(join(directory, devicesDirectoryName, 'leaf1'));
    // A waiting marker stays if the second instance had to wait for the first's lock on leaf1.
    expect(leaf1.filter((name) => name !== 'lock.waiting').sort()).toEqual([
      'journal-1.jsonl',
      'snapshot.json',
    ]);
  });

  it('runs an operation whose submitter died before it was due, exactly once', async () => {
    const first = await openFileBackedFabric({ directory, topology: smallTopology, latency: 50 });
    const id = await first.submit('leaf1', createVrf('red', 50001), 'k');
    expect(await first.poll(id)).toEqual({ status: 'running' });
    // The first instance is never used again; the device runs the job for whoever comes next.
    const second = await openFileBackedFabric({ directory });
    expect(await second.await(id, 2000)).toEqual({ status: 'succeeded', changed: true });
    expect(await first.poll(id)).toEqual({ status: 'succeeded', changed: true });
    expect((await second.counters())['leaf1']).toEqual({
      createVrf: { applied: 1, unchanged: 0, failed: 0 },
    });
  });

  it('loses no effect when two instances hammer the same file', async () => {
    const [a, b] = await Promise.all([
      openFileBackedFabric({ directory, pollIntervalMs: 2 }),
      openFileBackedFabric({ directory, pollIntervalMs: 2 }),
    ]);
    const work = [a, b].flatMap((fabric, worker) =>
      Array.from({ length: 60 }, async (_, index) => {
        const own = ownVrf(worker + 1, index);
        await run(fabric, own.device, own.operation, `w${worker + 1}-${index}`);
        const shared = sharedVrf(index % 20);
        return fabric.submit(shared.device, shared.operation, `shared-${index % 20}`);
      }),
    );
    const sharedIds = await Promise.all(work);
    expect(await vrfCount(a)).toBe(2 * 60 + 20);
    expect(appliedTotal(await b.counters())).toBe(2 * 60 + 20);
    // Every submission of a shared key got that key's one operation.
    const log = await a.operationLog();
    expect(log).toHaveLength(2 * 60 + 20);
    for (const [index, id] of sharedIds.entries()) {
      expect(log.find((entry) => entry.id === id)?.idempotencyKey).toBe(
        `shared-${(index % 60) % 20}`,
      );
    }
  });

  it('loses no effect and applies none twice when two processes drive it at once', async () => {
    await openFileBackedFabric({ directory, topology: defaultTopology });
    const count = 150;
    const shared = 40;
    const goFile = join(directory, 'go');
    const workers = [1, 2].map((worker) =>
      spawnFabricWorker({ mode: 'hammer', directory, worker, count, shared, goFile }),
    );
    await Promise.all(workers.map((worker) => worker.ready));
    await writeFile(goFile, '');
    const exits = await Promise.all(workers.map((worker) => worker.exited));
    expect({ exits, stderr: workers.map((worker) => worker.stderr()) }).toEqual({
      exits: [0, 0],
      stderr: ['', ''],
    });

    const fabric = await openFileBackedFabric({ directory });
    expect(await vrfCount(fabric)).toBe(2 * count + shared);
    const counters = await fabric.counters();
    expect(appliedTotal(counters)).toBe(2 * count + shared);
    expect(counters['leaf1']!.createVrf).toEqual({
      applied: 2 * Math.ceil(count / 4) + shared,
      unchanged: 0,
      failed: 0,
    });
    for (const worker of workers) {
      expect(worker.lines).toHaveLength(count + shared);
      expect(worker.lines.every((line) => line.status === 'succeeded')).toBe(true);
    }
    // Both processes were told the same operation id for each shared key.
    const idsOf = (lines: readonly { key: string; id: string }[]) =>
      Object.fromEntries(
        lines.filter((line) => line.key.startsWith('shared-')).map((line) => [line.key, line.id]),
      );
    expect(idsOf(workers[0]!.lines)).toEqual(idsOf(workers[1]!.lines));
    const log = await fabric.operationLog();
    expect(log).toHaveLength(2 * count + shared);
    // The two really ran at the same time: their operations interleave in the fabric's log.
    const ownerOf = (key: string) => /^w(\d)-/.exec(key)?.[1];
    const own = log.map((entry) => ownerOf(entry.idempotencyKey)).filter(Boolean);
    const switches = own.filter((owner, index) => index > 0 && owner !== own[index - 1]).length;
    expect(switches).toBeGreaterThan(10);
  });

  it('survives kill -9 mid-run: nothing torn, nothing lost, nothing applied twice on retry', async () => {
    await openFileBackedFabric({ directory, topology: defaultTopology, latency: 2 });
    const worker = spawnFabricWorker({ mode: 'loop', directory, worker: 1, count: 0, shared: 0 });
    await waitFor(() => worker.lines.length >= 40);
    worker.child.kill('SIGKILL');
    expect(await worker.exited).toBe('SIGKILL');

    // The killed process may have held the lock: its dead pid makes the lock stale at once.
    const fabric = await openFileBackedFabric({ directory, lockTimeoutMs: 5_000 });
    const log = await fabric.operationLog();
    const applied = appliedTotal(await fabric.counters());
    expect(log.length).toBeGreaterThanOrEqual(40);
    // The job the worker submitted last ran after its death, when this process touched the fabric.
    expect(log.every((entry) => entry.outcome.status === 'succeeded')).toBe(true);
    expect(applied).toBe(log.length);
    expect(await vrfCount(fabric)).toBe(log.length);

    // The restarted worker retries everything it may have done, under the same keys.
    for (let index = 0; index < log.length + 5; index += 1) {
      const { device, operation } = ownVrf(1, index);
      const id = await fabric.submit(device, operation, `w1-${index}`);
      if (index < log.length) expect(id).toBe(log[index]!.id);
      await fabric.await(id, 2_000);
    }
    expect(appliedTotal(await fabric.counters())).toBe(log.length + 5);
    expect(await vrfCount(fabric)).toBe(log.length + 5);
    const expected = [
      devicesDirectoryName,
      fabricFileName,
      settingsFileName,
      lockFileName,
      `${lockFileName}.waiting`,
    ];
    const leftovers = (await readdir(directory)).filter((name) => !expected.includes(name));
    // A kill between creating and renaming a temporary file may leave one; nothing else.
    expect(leftovers.every((name) => name.endsWith('.tmp'))).toBe(true);
  });

  it('takes over a lock whose holder died, or that is older than the stale timeout', async () => {
    await openFileBackedFabric({ directory, topology: smallTopology });
    const lockPath = join(directory, lockFileName);

    await writeFile(lockPath, JSON.stringify({ pid: await deadPid(), token: 'dead' }));
    const started = Date.now();
    const fabric = await openFileBackedFabric({ directory, lockTimeoutMs: 2_000 });
    await run(fabric, 'leaf1', createVrf('red', 50001));
    expect(Date.now() - started).toBeLessThan(1_000);

    // Held by a live process (this one) but long ago: stuck, so taken over after staleLockMs.
    await writeFile(lockPath, JSON.stringify({ pid: process.pid, token: 'stuck' }));
    const past = new Date(Date.now() - 60_000);
    await utimes(lockPath, past, past);
    const patient = await openFileBackedFabric({
      directory,
      staleLockMs: 30_000,
      lockTimeoutMs: 2_000,
    });
    expect(await patient.readState('leaf1')).toMatchObject({ vrfs: [{ name: 'red' }] });

    // A fresh lock of a live holder is waited for, and waiting has a limit.
    await writeFile(lockPath, JSON.stringify({ pid: process.pid, token: 'busy' }));
    const blocked = await openFileBackedFabric({
      directory,
      staleLockMs: 30_000,
      lockTimeoutMs: 200,
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(blocked).toBeInstanceOf(FabricStoreError);
    expect(String(blocked)).toContain('could not lock');
    // Its holder's lock is left alone.
    expect(JSON.parse(await readFile(lockPath, 'utf8'))).toEqual({
      pid: process.pid,
      token: 'busy',
    });
  });

  it('refuses a directory holding another topology, and a state file it did not write', async () => {
    await openFileBackedFabric({ directory, topology: smallTopology });
    await expect(openFileBackedFabric({ directory, topology: defaultTopology })).rejects.toThrow(
      /holds a fabric with a different topology/,
    );
    // The same topology written in another key order is the same topology.
    const reverseKeys = <T extends object>(value: T): T =>
      Object.fromEntries(Object.entries(value).reverse()) as T;
    const reordered = {
      devices: smallTopology.devices.map((device) =>
        reverseKeys({ ...device, capacity: reverseKeys(device.capacity) }),
      ),
    };
    await expect(openFileBackedFabric({ directory, topology: reordered })).resolves.toBeDefined();

    await writeFile(join(directory, fabricFileName), '{"format":"something-else"}');
    await expect(openFileBackedFabric({ directory })).rejects.toBeInstanceOf(FabricStoreError);
  });
});
