/** Injection tokens of the fabric (plain objects and lists built by factories, not Nest classes). */
export const FABRIC_TOPOLOGY = Symbol('FABRIC_TOPOLOGY');
export const FABRIC_DRIVER = Symbol('FABRIC_DRIVER');
export const SAGA_DEFINITIONS = Symbol('SAGA_DEFINITIONS');
