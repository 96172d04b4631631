import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { MethodDefinition, PackageDefinition } from '@grpc/proto-loader';
import { SignJWT } from 'jose';
import type { SigningKey } from '../../libs/access/src/keys/signing-key';
import {
  TOKEN_ALGORITHM,
  TOKEN_AUDIENCE,
  TOKEN_ISSUER,
} from '../../libs/access/src/tokens/token-claims';
import { loadLoomPackageDefinition } from '../../libs/api-contract/src/proto-loading';
import type { Operation } from '../../libs/api-contract/src/generated/loom/v1/operation';
import type {
  CreateTenantRequest,
  Tenant,
} from '../../libs/api-contract/src/generated/loom/v1/tenant';
import type {
  CreateVpcRequest,
  GetVpcRequest,
  Vpc,
} from '../../libs/api-contract/src/generated/loom/v1/vpc';

// Why not test/support/grpc-client.ts and libs/access's mintToken: they (or what they import) use
// the @loom/* path aliases, which plain tsc (npm run bench) leaves as they are, so they do not load
// from dist/bench; and the test client cannot open a channel of its own (see ApiChannel).

/** Request fields the bench sets; proto-loader fills in the rest with their defaults. */
export type CreateTenantInput = Omit<CreateTenantRequest, 'tenant'> & {
  readonly tenant: Pick<Tenant, 'displayName' | 'quota'>;
};
export type CreateVpcInput = Omit<CreateVpcRequest, 'vpc'> & {
  readonly vpc: Pick<Vpc, 'displayName' | 'cidrBlocks'>;
};

export interface ApiChannel {
  createTenant(request: CreateTenantInput, deadlineMs: number): Promise<Tenant>;
  createVpc(request: CreateVpcInput, deadlineMs: number): Promise<Operation>;
  getVpc(request: GetVpcRequest, deadlineMs: number): Promise<Vpc>;
  close(): void;
}

/**
 * `count` gRPC channels to the engine, each on a TCP connection of its own (grpc-js otherwise
 * shares one connection between clients of the same address), every call carrying the token.
 */
export function openApiChannels(address: string, token: string, count: number): ApiChannel[] {
  const definition = loadLoomPackageDefinition();
  const createTenant = method(definition, 'loom.v1.TenantService', 'CreateTenant');
  const createVpc = method(definition, 'loom.v1.VpcService', 'CreateVpc');
  const getVpc = method(definition, 'loom.v1.VpcService', 'GetVpc');
  return Array.from({ length: count }, () => {
    const client = new Client(address, credentials.createInsecure(), {
      'grpc.use_local_subchannel_pool': 1,
    });
    const unary = (
      { path, requestSerialize, responseDeserialize }: MethodDefinition<object, object>,
      request: object,
      deadlineMs: number,
    ): Promise<object> =>
      new Promise((resolve, reject) => {
        const metadata = new Metadata();
        metadata.set('authorization', `Bearer ${token}`);
        client.makeUnaryRequest(
          path,
          requestSerialize,
          responseDeserialize,
          request,
          metadata,
          { deadline: Date.now() + deadlineMs },
          (error: ServiceError | null, response?: object) => {
            if (error) reject(error);
            else resolve(response ?? {});
          },
        );
      });
    // proto-loader answers with every field (defaults: true): the generated shapes.
    return {
      createTenant: (request, deadlineMs) =>
        unary(createTenant, request, deadlineMs) as Promise<Tenant>,
      createVpc: (request, deadlineMs) =>
        unary(createVpc, request, deadlineMs) as Promise<Operation>,
      getVpc: (request, deadlineMs) => unary(getVpc, request, deadlineMs) as Promise<Vpc>,
      close: () => {
        client.close();
      },
    };
  });
}

/** The gRPC status name of a failed call (DEADLINE_EXCEEDED...), or the error's own name. */
export function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const { code } = error;
    if (typeof code === 'number' && status[code] !== undefined) return status[code];
  }
  return error instanceof Error ? error.name : 'unknown';
}

/**
 * A portal token, as `loomctl token mint --role portal` signs it (libs/access mintToken, with the
 * same claims; copied for the reason above).
 */
export async function mintPortalToken(key: SigningKey, subject: string): Promise<string> {
  const issuedAt = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: 'portal' })
    .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: key.kid, typ: 'JWT' })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setSubject(subject)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + 3_600)
    .sign(key.privateKey);
}

export function method(
  definition: PackageDefinition,
  service: string,
  name: string,
): MethodDefinition<object, object> {
  const found = definition[service];
  const candidate = found !== undefined && !('format' in found) ? found[name] : undefined;
  if (candidate === undefined) throw new Error(`${service}/${name} is not in the loom.v1 protos`);
  return candidate;
}
