import type { ExecutionContext } from '@nestjs/common';
import { Metadata } from '@grpc/grpc-js';
import { UnauthenticatedError } from '@loom/errors';
import type { Principal } from '../principal';
import type { TokenVerifier } from '../tokens/token-verifier';
import { Authenticator } from './authenticator';
import { GrpcAuthGuard } from './grpc-auth.guard';
import { findPrincipal, principalOf } from './principal-of';

const alice: Principal = { subject: 'alice', role: 'tenant', tenant: 'acme' };

function rpcContext(metadata: unknown, type = 'rpc'): ExecutionContext {
  return {
    getType: () => type,
    switchToRpc: () => ({ getContext: () => metadata, getData: () => ({}) }),
  } as unknown as ExecutionContext;
}

function withBearer(value: string): Metadata {
  const metadata = new Metadata();
  metadata.set('authorization', value);
  return metadata;
}

describe('GrpcAuthGuard', () => {
  const verify = jest.fn((token: string) =>
    token === 'h.p.s' ? Promise.resolve(alice) : Promise.reject(new UnauthenticatedError('bad')),
  );
  const guard = new GrpcAuthGuard(new Authenticator({ verify } as unknown as TokenVerifier));

  beforeEach(() => {
    verify.mockClear();
  });

  it('lets a call with a valid bearer token through and attaches its principal', async () => {
    const metadata = withBearer('Bearer h.p.s');
    await expect(guard.canActivate(rpcContext(metadata))).resolves.toBe(true);
    expect(principalOf(metadata)).toEqual(alice);
    // A second look (interceptor, then guard) does not verify again.
    await guard.canActivate(rpcContext(metadata));
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['no authorization', new Metadata(), /no authorization/],
    ['another scheme', withBearer('Basic dXNlcjpwYXNz'), /not "Bearer <jwt>"/],
    ['a token that is not a JWT', withBearer('Bearer abc'), /not "Bearer <jwt>"/],
    ['an invalid token', withBearer('Bearer x.y.z'), /bad/],
    ['no metadata at all', undefined, /no metadata/],
  ])('refuses a call with %s as UNAUTHENTICATED', async (_case, metadata, message) => {
    const refusal = guard.canActivate(rpcContext(metadata));
    await expect(refusal).rejects.toThrow(UnauthenticatedError);
    await expect(refusal).rejects.toThrow(message);
    if (metadata) expect(findPrincipal(metadata)).toBeUndefined();
  });

  it('refuses two authorization entries', async () => {
    const metadata = withBearer('Bearer h.p.s');
    metadata.add('authorization', 'Bearer h.p.s');
    await expect(guard.canActivate(rpcContext(metadata))).rejects.toThrow(/more than one/);
  });

  it('leaves other transports alone', async () => {
    await expect(guard.canActivate(rpcContext(undefined, 'http'))).resolves.toBe(true);
  });

  it('makes handlers fail closed when a call was never authenticated', () => {
    expect(() => principalOf(new Metadata())).toThrow(UnauthenticatedError);
    expect(() => principalOf(undefined)).toThrow(UnauthenticatedError);
  });
});
