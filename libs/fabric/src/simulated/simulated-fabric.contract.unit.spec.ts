import { describeFabricDriverContract } from '../testing/fabric-driver.contract';
import { SimulatedFabric } from './simulated-fabric';

/** The contract on the in-memory fabric; a part-way failure is an injected fault. */
describeFabricDriverContract(
  'simulated fabric (in memory)',
  (topology) => {
    const fabric = new SimulatedFabric({ topology });
    return Promise.resolve({
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
      close: () => Promise.resolve(),
    });
  },
  { partWayFailureReason: 'injected', repliesCanBeLost: true },
);
