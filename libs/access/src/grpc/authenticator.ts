import type { Metadata } from '@grpc/grpc-js';
import type { Principal } from '../principal';
import type { TokenVerifier } from '../tokens/token-verifier';
import { readBearerToken } from './bearer-token';
import { attachPrincipal, findPrincipal } from './principal-of';

/**
 * Authenticates a call once: the interceptor and the guard both ask, the second finds the principal
 * already attached to the call's metadata.
 */
export class Authenticator {
  constructor(private readonly verifier: TokenVerifier) {}

  async authenticate(metadata: Metadata): Promise<Principal> {
    const known = findPrincipal(metadata);
    if (known) return known;
    const principal = await this.verifier.verify(readBearerToken(metadata));
    attachPrincipal(metadata, principal);
    return principal;
  }
}
