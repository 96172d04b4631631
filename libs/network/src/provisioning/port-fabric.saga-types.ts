import { sagaType } from '@loom/sagas';
import type { PortFabricInput } from './provisioning.input';

/** Saga types of a port's fabric work (definitions in port-fabric.sagas.ts). */
export const provisionPortSaga = sagaType<PortFabricInput>('provision-port');
export const deprovisionPortSaga = sagaType<PortFabricInput>('deprovision-port');
