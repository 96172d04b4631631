import { simulatedFabricUnderTest } from '../testing/driver-contract/simulated-under-test';
import { describeFabricDriverContract } from '../testing/fabric-driver.contract';
import { SimulatedFabric } from './simulated-fabric';

describeFabricDriverContract(
  'simulated fabric (in memory)',
  (topology) =>
    Promise.resolve(
      simulatedFabricUnderTest(new SimulatedFabric({ topology }), () => Promise.resolve()),
    ),
  {
    partWayFailureReason: 'injected',
    repliesCanBeLost: true,
    gatewayNodes: true,
    serviceNodes: true,
  },
);
