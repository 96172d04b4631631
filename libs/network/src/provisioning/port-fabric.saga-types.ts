/** Saga types of a port's fabric work (definitions in port-fabric.sagas.ts). */
export const provisionPortSaga = 'provision-port';
export const deprovisionPortSaga = 'deprovision-port';
