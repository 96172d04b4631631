import {
  Client,
  credentials,
  Metadata,
  type CallOptions,
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
  type FabricServiceClient,
  type AuditServiceClient,
} from '@loom/api-contract';

export interface LoomCallOptions {
  readonly deadline?: Date | number;
  /** Extra metadata, e.g. a different `authorization`. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** A generated (Observable-based) client interface, as async functions: resolve or throw the ServiceError. */
export type PromiseClient<C> = {
  [M in keyof C]: C[M] extends (
    request: infer Request,
    metadata?: Metadata,
  ) => Observable<infer Response>
    ? (request: Request, options?: LoomCallOptions) => Promise<Response>
    : never;
};

/** Server-streaming methods as grpc-js readable streams (also async iterables). */
export type StreamClient<C> = {
  [M in keyof C]: C[M] extends (
    request: infer Request,
    metadata?: Metadata,
  ) => Observable<infer Response>
    ? (request: Request, options?: LoomCallOptions) => ClientReadableStream<Response>
    : never;
};

export interface LoomClients {
  readonly tenants: PromiseClient<TenantServiceClient>;
  readonly vpcs: PromiseClient<VpcServiceClient>;
  readonly subnets: PromiseClient<SubnetServiceClient>;
  readonly ports: PromiseClient<PortServiceClient>;
  readonly operations: PromiseClient<OperationServiceClient>;
  readonly watch: StreamClient<WatchServiceClient>;
  readonly fabric: PromiseClient<FabricServiceClient>;
  /** AuditService's unary methods; `auditExport.exportEvents` streams. */
  readonly audit: PromiseClient<AuditServiceClient>;
  readonly auditExport: StreamClient<AuditServiceClient>;
  close(): void;
}

/**
 * Typed clients for every loom.v1 service on one channel, loaded from the protos with the
 * server's proto-loader options. Every call sends `authorization: Bearer <token>` (none when token
 * is undefined). Requests use the generated types; `updateMask` may be the generated string[].
 */
export function createLoomClients(address: string, token: string | undefined): LoomClients {
  const definition = loadLoomPackageDefinition();
  const client = new Client(address, credentials.createInsecure());
  const caller = new Caller(client, token);
  return {
    tenants: caller.unary(service(definition, 'loom.v1.TenantService')),
    vpcs: caller.unary(service(definition, 'loom.v1.VpcService')),
    subnets: caller.unary(service(definition, 'loom.v1.SubnetService')),
    ports: caller.unary(service(definition, 'loom.v1.PortService')),
    operations: caller.unary(service(definition, 'loom.v1.OperationService')),
    watch: caller.streaming(service(definition, 'loom.v1.WatchService')),
    fabric: caller.unary(service(definition, 'loom.v1.FabricService')),
    audit: caller.unary(service(definition, 'loom.v1.AuditService')),
    auditExport: caller.streaming(service(definition, 'loom.v1.AuditService')),
    close: () => {
      client.close();
    },
  };
}

// grpc-js's generic Client is untyped per method; the casts to the generated interfaces live here.
class Caller {
  constructor(
    private readonly client: Client,
    private readonly token: string | undefined,
  ) {}

  unary<C>(definition: ServiceDefinition): PromiseClient<C> {
    const methods: Record<string, (request: object, options?: LoomCallOptions) => Promise<object>> =
      {};
    for (const [name, method] of methodsOf(definition)) {
      methods[name] = (request, options) =>
        new Promise((resolve, reject) => {
          this.client.makeUnaryRequest(
            method.path,
            method.requestSerialize,
            method.responseDeserialize,
            toWireRequest(request),
            this.metadata(options),
            this.callOptions(options),
            (error: ServiceError | null, response?: object) => {
              if (error) reject(error);
              else resolve(response ?? {});
            },
          );
        });
    }
    return methods as unknown as PromiseClient<C>;
  }

  streaming<C>(definition: ServiceDefinition): StreamClient<C> {
    const methods: Record<
      string,
      (request: object, options?: LoomCallOptions) => ClientReadableStream<object>
    > = {};
    for (const [name, method] of methodsOf(definition)) {
      methods[name] = (request, options) =>
        this.client.makeServerStreamRequest(
          method.path,
          method.requestSerialize,
          method.responseDeserialize,
          toWireRequest(request),
          this.metadata(options),
          this.callOptions(options),
        );
    }
    return methods as unknown as StreamClient<C>;
  }

  private metadata(options: LoomCallOptions | undefined): Metadata {
    const metadata = new Metadata();
    if (this.token !== undefined) metadata.set('authorization', `Bearer ${this.token}`);
    for (const [key, value] of Object.entries(options?.metadata ?? {})) metadata.set(key, value);
    return metadata;
  }

  private callOptions(options: LoomCallOptions | undefined): CallOptions {
    return options?.deadline === undefined ? {} : { deadline: options.deadline };
  }
}

function service(definition: PackageDefinition, name: string): ServiceDefinition {
  const found = definition[name];
  if (found === undefined || 'format' in found) throw new Error(`${name} is not a service`);
  return found;
}

/** Generated client method names are lowerCamelCase, like proto-loader's originalName. */
function methodsOf(definition: ServiceDefinition): [string, ServiceDefinition[string]][] {
  return Object.entries(definition).map(([name, method]) => [
    method.originalName ?? name.charAt(0).toLowerCase() + name.slice(1),
    method,
  ]);
}

/** proto-loader would encode a bare string[] FieldMask as an empty mask; send {paths}. */
function toWireRequest(request: object): object {
  if (!('updateMask' in request)) return request;
  return { ...request, updateMask: toWireFieldMask(request.updateMask as FieldMaskInput) };
}
