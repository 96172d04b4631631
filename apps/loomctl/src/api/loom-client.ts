import {
  Client,
  credentials,
  Metadata,
  type ClientReadableStream,
  type ServiceError,
} from '@grpc/grpc-js';
import type { PackageDefinition, ServiceDefinition } from '@grpc/proto-loader';
import type { Observable } from 'rxjs';
import {
  loadLoomPackageDefinition,
  toWireFieldMask,
  type FieldMaskInput,
  type OperationServiceClient,
  type PortServiceClient,
  type SubnetServiceClient,
  type TenantServiceClient,
  type VpcServiceClient,
  type WatchServiceClient,
  type AuditServiceClient,
  type ExternalGatewayServiceClient,
  type ServiceIpServiceClient,
  type ExternalNetworkServiceClient,
  type FloatingIpServiceClient,
  type QosPolicyServiceClient,
} from '@loom/api-contract';

export interface CallOptions {
  /** How long the call may take, in milliseconds (default 30 s). */
  readonly timeoutMs?: number;
}

/** A generated (Observable-based) client interface as async functions that resolve or throw. */
export type UnaryClient<C> = {
  [M in keyof C]: C[M] extends (request: infer Request, metadata?: Metadata) => Observable<infer R>
    ? (request: Request, options?: CallOptions) => Promise<R>
    : never;
};

/** Server-streaming methods as grpc-js readable streams (async iterables; cancel() ends them). */
export type StreamingClient<C> = {
  [M in keyof C]: C[M] extends (request: infer Request, metadata?: Metadata) => Observable<infer R>
    ? (request: Request) => ClientReadableStream<R>
    : never;
};

export interface LoomClient {
  readonly tenants: UnaryClient<TenantServiceClient>;
  readonly vpcs: UnaryClient<VpcServiceClient>;
  readonly subnets: UnaryClient<SubnetServiceClient>;
  readonly ports: UnaryClient<PortServiceClient>;
  readonly operations: UnaryClient<OperationServiceClient>;
  readonly watch: StreamingClient<WatchServiceClient>;
  /** AuditService; `auditExport.exportEvents` is its streaming method. */
  readonly audit: UnaryClient<AuditServiceClient>;
  readonly auditExport: StreamingClient<AuditServiceClient>;
  readonly externalNetworks: UnaryClient<ExternalNetworkServiceClient>;
  readonly externalGateways: UnaryClient<ExternalGatewayServiceClient>;
  readonly serviceIps: UnaryClient<ServiceIpServiceClient>;
  readonly floatingIps: UnaryClient<FloatingIpServiceClient>;
  readonly qosPolicies: UnaryClient<QosPolicyServiceClient>;
  close(): void;
}

const defaultTimeoutMs = 30_000;

/**
 * Every loom.v1 resource service on one insecure channel (as the engine serves it), each call
 * with `authorization: Bearer <token>`. The protos are loaded with the engine's own proto-loader
 * options, so messages have the shapes of the generated types.
 */
export function createLoomClient(server: string, token: string): LoomClient {
  const definition = loadLoomPackageDefinition();
  const client = new Client(server, credentials.createInsecure());
  const metadata = (): Metadata => {
    const sent = new Metadata();
    sent.set('authorization', `Bearer ${token}`);
    return sent;
  };
  // grpc-js's generic Client is untyped per method: the casts to the generated interfaces are here.
  const unary = <C>(name: string): UnaryClient<C> => {
    const methods: Record<string, (request: object, options?: CallOptions) => Promise<object>> = {};
    for (const [method, call] of methodsOf(service(definition, name))) {
      methods[method] = (request, options) =>
        new Promise((resolve, reject) => {
          client.makeUnaryRequest(
            call.path,
            call.requestSerialize,
            call.responseDeserialize,
            toWireRequest(request),
            metadata(),
            { deadline: Date.now() + (options?.timeoutMs ?? defaultTimeoutMs) },
            (error: ServiceError | null, response?: object) => {
              if (error) reject(error);
              else resolve(response ?? {});
            },
          );
        });
    }
    return methods as unknown as UnaryClient<C>;
  };
  const streaming = <C>(name: string): StreamingClient<C> => {
    const methods: Record<string, (request: object) => ClientReadableStream<object>> = {};
    for (const [method, call] of methodsOf(service(definition, name))) {
      methods[method] = (request) =>
        client.makeServerStreamRequest(
          call.path,
          call.requestSerialize,
          call.responseDeserialize,
          toWireRequest(request),
          metadata(),
          {},
        );
    }
    return methods as unknown as StreamingClient<C>;
  };
  return {
    tenants: unary('loom.v1.TenantService'),
    vpcs: unary('loom.v1.VpcService'),
    subnets: unary('loom.v1.SubnetService'),
    ports: unary('loom.v1.PortService'),
    operations: unary('loom.v1.OperationService'),
    watch: streaming('loom.v1.WatchService'),
    audit: unary('loom.v1.AuditService'),
    auditExport: streaming('loom.v1.AuditService'),
    externalNetworks: unary('loom.v1.ExternalNetworkService'),
    externalGateways: unary('loom.v1.ExternalGatewayService'),
    serviceIps: unary('loom.v1.ServiceIpService'),
    floatingIps: unary('loom.v1.FloatingIpService'),
    qosPolicies: unary('loom.v1.QosPolicyService'),
    close: () => {
      client.close();
    },
  };
}

function service(definition: PackageDefinition, name: string): ServiceDefinition {
  const found = definition[name];
  if (found === undefined || 'format' in found) throw new Error(`${name} is not in the protos`);
  return found;
}

/** Generated client method names are lowerCamelCase, like proto-loader's originalName. */
function methodsOf(definition: ServiceDefinition): [string, ServiceDefinition[string]][] {
  return Object.entries(definition).map(([name, method]) => [
    method.originalName ?? name.charAt(0).toLowerCase() + name.slice(1),
    method,
  ]);
}

/** proto-loader would encode the generated string[] FieldMask as an empty mask: send {paths}. */
function toWireRequest(request: object): object {
  if (!('updateMask' in request)) return request;
  return { ...request, updateMask: toWireFieldMask(request.updateMask as FieldMaskInput) };
}
