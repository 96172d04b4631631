import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import type { ServiceDefinition } from '@grpc/proto-loader';
import {
  loadLoomPackageDefinition,
  type FabricDrift,
  type RepairFabricDriftRequest,
  type RepairFabricDriftResponse,
} from '@loom/api-contract';

export interface FabricClient {
  getFabricDrift(): Promise<FabricDrift>;
  repairFabricDrift(request: RepairFabricDriftRequest): Promise<RepairFabricDriftResponse>;
  close(): void;
}

/** loom.v1.FabricService over an insecure channel (as the engine serves it), with a bearer token. */
export function createFabricClient(
  address: string,
  token: string,
  deadlineMs = 60_000,
): FabricClient {
  const service = loadLoomPackageDefinition()['loom.v1.FabricService'];
  if (service === undefined || 'format' in service) {
    throw new Error('loom.v1.FabricService is missing from the protos');
  }
  const definition: ServiceDefinition = service;
  const client = new Client(address, credentials.createInsecure());
  const call = <Response>(name: string, request: object = {}): Promise<Response> => {
    const method = definition[name];
    if (method === undefined) return Promise.reject(new Error(`FabricService has no ${name}`));
    const { path, requestSerialize, responseDeserialize } = method;
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    return new Promise((resolve, reject) => {
      client.makeUnaryRequest(
        path,
        requestSerialize,
        responseDeserialize,
        request,
        metadata,
        { deadline: Date.now() + deadlineMs },
        (error: ServiceError | null, response?: unknown) => {
          if (error) reject(new Error(`${address}: ${error.message}`));
          else resolve(response as Response);
        },
      );
    });
  };
  return {
    getFabricDrift: () => call<FabricDrift>('GetFabricDrift'),
    repairFabricDrift: (request) => call<RepairFabricDriftResponse>('RepairFabricDrift', request),
    close: () => {
      client.close();
    },
  };
}
