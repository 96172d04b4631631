import type { SimulatedFabric } from '../../simulated/simulated-fabric';
import type { FabricDriverUnderTest } from './contract-context';

/** A simulated fabric for the contract: its part-way failure and lost reply are injected faults. */
export function simulatedFabricUnderTest(
  fabric: SimulatedFabric,
  close: () => Promise<void>,
): FabricDriverUnderTest {
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
    close,
  };
}
