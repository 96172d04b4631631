/** Injection tokens of the network features (plain objects built by factories, not Nest classes). */
export const NETWORK_SERVICES = Symbol('NETWORK_SERVICES');
export const PROJECTION_RUNNER = Symbol('PROJECTION_RUNNER');
