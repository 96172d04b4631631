/**
 * `@loom/fabric/testing`: what tests of the fabric and of its users share. Test code only: the
 * contract suite needs Jest's globals and the arbitraries need fast-check.
 */
export {
  describeFabricDriverContract,
  type FabricDriverContractOptions,
  type FabricDriverUnderTest,
} from './fabric-driver.contract';
export {
  contractGateway,
  contractTopology,
  contractTopologyWithGateway,
} from './driver-contract/contract-fixtures';
export { bindL2Vni, createVrf, freshKey, run, smallTopology } from './fabric-fixtures';
export { operationArbitrary } from './fabric-arbitraries';
