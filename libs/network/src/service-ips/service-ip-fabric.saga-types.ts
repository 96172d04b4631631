import { sagaType } from '@loom/sagas';
import { leafResourceKey } from '../provisioning/fabric-placement';
import type { ServiceIpFabricInput } from './service-ip-fabric.input';

/** Saga types of service IPs' fabric work (definitions in service-ip-fabric.sagas.ts). */
export const setServiceIpSaga = sagaType<ServiceIpFabricInput>('set-service-ip');
export const clearServiceIpSaga = sagaType<ServiceIpFabricInput>('clear-service-ip');

/**
 * A service IP's sagas queue with the port sagas of its node (`leaf/{node}`): they share the VPC's
 * VRF there when ports of the VPC are bound on the border leaf too.
 */
export const serviceIpResourceKey = (node: string): string => leafResourceKey(node);
