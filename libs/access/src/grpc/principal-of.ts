import type { Metadata } from '@grpc/grpc-js';
import { UnauthenticatedError } from '@loom/errors';
import type { Principal } from '../principal';

/**
 * The principal of each call, keyed by the call's Metadata object: grpc-js hands that same object
 * to the authentication interceptor, the guard and the handler, and a WeakMap lets it go with the
 * call.
 */
const principals = new WeakMap<Metadata, Principal>();

export function attachPrincipal(metadata: Metadata, principal: Principal): void {
  principals.set(metadata, principal);
}

export function findPrincipal(metadata: Metadata | undefined): Principal | undefined {
  return metadata === undefined ? undefined : principals.get(metadata);
}

const methods = new WeakMap<Metadata, string>();

/** The gRPC method path of the call (`/loom.v1.VpcService/CreateVpc`), for the audit trail. */
export function attachCallMethod(metadata: Metadata, path: string): void {
  methods.set(metadata, path);
}

export function callMethodOf(metadata: Metadata | undefined): string | undefined {
  return metadata === undefined ? undefined : methods.get(metadata);
}

const endings = new WeakMap<Metadata, () => boolean>();

/**
 * Whether the caller has stopped waiting for the call's answer (it cancelled, its connection went
 * away, or its deadline passed): what the call decides after that reaches no one.
 */
export function attachCallEnded(metadata: Metadata, ended: () => boolean): void {
  endings.set(metadata, ended);
}

export function callEndedOf(metadata: Metadata | undefined): (() => boolean) | undefined {
  return metadata === undefined ? undefined : endings.get(metadata);
}

/**
 * For handlers: `principalOf(metadata)` with the metadata argument of a generated controller
 * method. Throws UNAUTHENTICATED if the call was never authenticated (a wiring mistake).
 */
export function principalOf(metadata: Metadata | undefined): Principal {
  const principal = findPrincipal(metadata);
  if (principal === undefined) throw new UnauthenticatedError('the call is not authenticated');
  return principal;
}
