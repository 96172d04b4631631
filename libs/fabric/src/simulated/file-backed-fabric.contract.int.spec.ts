import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeFabricDriverContract } from '../testing/fabric-driver.contract';
import { openFileBackedFabric } from './file-backed-fabric';

/**
 * The contract on the file-backed fabric, with a little latency so that operations are seen
 * running and a repeat of a key finds its operation still at work.
 */
describeFabricDriverContract(
  'simulated fabric (file-backed, 5 ms latency)',
  async (topology) => {
    const directory = await mkdtemp(join(tmpdir(), 'loom-fabric-contract-'));
    const fabric = await openFileBackedFabric({ directory, topology, latency: 5 });
    return {
      driver: fabric,
      failPartWay: async (device, operation) => {
        const fault = await fabric.injectFault({
          effect: 'fail',
          device,
          operationKind: operation.kind,
          nth: 1,
        });
        return () => fabric.clearFault(fault);
      },
      loseNextReply: async (device, kind) => {
        await fabric.injectFault({ effect: 'lose-reply', device, operationKind: kind, nth: 1 });
      },
      close: () => rm(directory, { recursive: true, force: true }),
    };
  },
  { partWayFailureReason: 'injected', repliesCanBeLost: true },
);
