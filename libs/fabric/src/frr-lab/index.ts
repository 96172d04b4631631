export { openFrrFabric, FrrFabric, type FrrFabricOptions } from './frr-fabric';
export {
  fabricLabUp,
  fabricLabDown,
  fabricLabStatus,
  type LabStatus,
  type LabDeviceStatus,
  type LabUpOptions,
} from './fabric-lab';
export { gatewayLabPrerequisites, labPrerequisites, vtysh, vtyshJson } from './frr-daemons';
export {
  readManifest as readLabManifest,
  hostNamespace as labHostNamespace,
  type LabDevice,
  type LabManifest,
} from './lab-layout';
