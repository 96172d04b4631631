import { sagaType } from '@loom/sagas';
import type { ExternalGatewayFabricInput, FloatingIpFabricInput } from './external-fabric.input';

/** Saga types of the external network's fabric work (definitions in external-fabric.sagas.ts). */
export const setExternalGatewaySaga = sagaType<ExternalGatewayFabricInput>('set-external-gateway');
export const clearExternalGatewaySaga =
  sagaType<ExternalGatewayFabricInput>('clear-external-gateway');
export const applyFloatingIpSaga = sagaType<FloatingIpFabricInput>('apply-floating-ip');

/** Sagas of one external network run one after another: they share its gateway nodes. */
export const externalNetworkResourceKey = (externalNetwork: string): string =>
  `external-network/${externalNetwork}`;
