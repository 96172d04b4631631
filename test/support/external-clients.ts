import { credentials, loadPackageDefinition, Metadata, type ServiceError } from '@grpc/grpc-js';
import { loadOrCreateSigningKey, mintToken, type Role } from '@loom/access';
import {
  loadLoomPackageDefinition,
  type ExternalGatewayServiceClient,
  type ExternalNetworkServiceClient,
  type FloatingIpServiceClient,
  type QosPolicyServiceClient,
  type ServiceIpServiceClient,
} from '@loom/api-contract';
import type { PromiseClient } from './grpc-client';

export interface ExternalClients {
  readonly externalNetworks: PromiseClient<ExternalNetworkServiceClient>;
  readonly externalGateways: PromiseClient<ExternalGatewayServiceClient>;
  readonly floatingIps: PromiseClient<FloatingIpServiceClient>;
  readonly qosPolicies: PromiseClient<QosPolicyServiceClient>;
  readonly serviceIps: PromiseClient<ServiceIpServiceClient>;
  close(): void;
}

type RawClient = Record<
  string,
  (
    request: object,
    metadata: Metadata,
    callback: (error: ServiceError | null, response: object) => void,
  ) => void
> & { close(): void };

/** Promise clients of the external network services, with a fresh token of `role`. */
export async function externalClientsAs(
  address: string,
  dataDir: string,
  role: Role,
  tenant?: string,
): Promise<ExternalClients> {
  const key = await loadOrCreateSigningKey(dataDir);
  const token = await mintToken(key, {
    role,
    subject: `e2e-${role}`,
    ttl: '1h',
    ...(tenant === undefined ? {} : { tenant }),
  });
  const loaded = loadPackageDefinition(loadLoomPackageDefinition()) as unknown as {
    loom: { v1: Record<string, new (address: string, creds: unknown) => RawClient> };
  };
  const opened: RawClient[] = [];
  const promised = <C>(service: string): PromiseClient<C> => {
    const Constructor = loaded.loom.v1[service];
    if (!Constructor) throw new Error(`no service ${service}`);
    const raw = new Constructor(address, credentials.createInsecure());
    opened.push(raw);
    return new Proxy({} as PromiseClient<C>, {
      get: (_target, method: string) => (request: object) =>
        new Promise((resolve, reject) => {
          const metadata = new Metadata();
          metadata.set('authorization', `Bearer ${token}`);
          const call = raw[method];
          if (!call) throw new Error(`no method ${service}.${method}`);
          call.call(raw, request, metadata, (error, response) => {
            if (error) reject(error);
            else resolve(response);
          });
        }),
    });
  };
  return {
    externalNetworks: promised('ExternalNetworkService'),
    externalGateways: promised('ExternalGatewayService'),
    floatingIps: promised('FloatingIpService'),
    qosPolicies: promised('QosPolicyService'),
    serviceIps: promised('ServiceIpService'),
    close: () => {
      for (const client of opened) client.close();
    },
  };
}
