/**
 * A worker process driving a file-backed fabric, for the multi-process tests. Run by
 * spawnFabricWorker; writes one JSON line per finished operation, then `done`.
 *
 * - `hammer`: `count` VRFs of its own across leaf1..leaf4, interleaved with `shared` VRFs that
 *   every worker submits under the same idempotency keys.
 * - `loop`: VRFs of its own, one after another, until killed.
 */
import { existsSync } from 'node:fs';
import type { CreateVrf } from '../operations/fabric-operation';
import { openFileBackedFabric } from '../simulated/file-backed-fabric';
import { ownVrf, sharedVrf, type WorkerArguments, type WorkerLine } from './fabric-worker-plan';

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as WorkerArguments;
  const fabric = await openFileBackedFabric({ directory: args.directory });
  if (args.goFile !== undefined) {
    // A start line for all workers, so that they really overlap (starting Node takes a while).
    process.stdout.write('ready\n');
    // Never an orphan waiting forever if the test that started it is gone.
    const giveUp = Date.now() + 60_000;
    while (!existsSync(args.goFile)) {
      if (Date.now() > giveUp) throw new Error(`no ${args.goFile} within a minute`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
  const submitAndWait = async (
    key: string,
    { device, operation }: { device: string; operation: CreateVrf },
  ): Promise<void> => {
    const id = await fabric.submit(device, operation, key);
    const outcome = await fabric.await(id, 30_000);
    const line: WorkerLine = { key, id, status: outcome.status };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  };
  if (args.mode === 'loop') {
    for (let index = 0; ; index += 1)
      await submitAndWait(`w${args.worker}-${index}`, ownVrf(args.worker, index));
  }
  const work: Promise<void>[] = [];
  for (let index = 0; index < Math.max(args.count, args.shared); index += 1) {
    if (index < args.count)
      work.push(submitAndWait(`w${args.worker}-${index}`, ownVrf(args.worker, index)));
    if (index < args.shared) work.push(submitAndWait(`shared-${index}`, sharedVrf(index)));
  }
  await Promise.all(work);
  process.stdout.write('done\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
