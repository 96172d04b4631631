import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulatedFabricUnderTest } from '../testing/driver-contract/simulated-under-test';
import { describeFabricDriverContract } from '../testing/fabric-driver.contract';
import { openFileBackedFabric } from './file-backed-fabric';

/**
 * With a little latency, so that operations are seen running and a repeat of a key finds its
 * operation still at work.
 */
describeFabricDriverContract(
  'simulated fabric (file-backed, 5 ms latency)',
  async (topology) => {
    const directory = await mkdtemp(join(tmpdir(), 'loom-fabric-contract-'));
    const fabric = await openFileBackedFabric({ directory, topology, latency: 5 });
    return simulatedFabricUnderTest(fabric, () => rm(directory, { recursive: true, force: true }));
  },
  { partWayFailureReason: 'injected', repliesCanBeLost: true, gatewayNodes: true },
);
