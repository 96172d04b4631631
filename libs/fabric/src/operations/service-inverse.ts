import { serviceStateOf, type DeviceState } from '../state/fabric-state';
import type { FabricOperation } from './fabric-operation';
import type { ServiceOperation } from './service-operation';

/** inverseOf for the service IP operations (see inverse-operation.ts). */
export function inverseOfServiceOperation(
  operation: ServiceOperation,
  before: DeviceState,
): FabricOperation | undefined {
  const service = serviceStateOf(before);
  const { vrf } = operation;
  switch (operation.kind) {
    case 'addServiceLink':
      return service.links.some((link) => link.vrf === vrf)
        ? undefined
        : { kind: 'removeServiceLink', vrf };
    case 'removeServiceLink': {
      const link = service.links.find((entry) => entry.vrf === vrf);
      return link && { kind: 'addServiceLink', ...link };
    }
    case 'addServiceRoute':
    case 'removeServiceRoute': {
      const add = operation.kind === 'addServiceRoute';
      const { prefix } = operation;
      const present = service.routes.some((route) => route.vrf === vrf && route.prefix === prefix);
      if (present === add) return undefined;
      return { kind: add ? 'removeServiceRoute' : 'addServiceRoute', vrf, prefix };
    }
    case 'addServiceNat':
      return service.nats.some((nat) => nat.vrf === vrf)
        ? undefined
        : { kind: 'removeServiceNat', vrf };
    case 'removeServiceNat': {
      const nat = service.nats.find((entry) => entry.vrf === vrf);
      return nat && { kind: 'addServiceNat', ...nat };
    }
  }
}
