import { join, dirname } from 'node:path';
import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { FileDescriptorProto } from 'protobufjs/ext/descriptor';

export type ReflectionVersion = 'v1' | 'v1alpha';

interface ReflectionResponse {
  listServicesResponse?: { service: { name: string }[] };
  fileDescriptorResponse?: { fileDescriptorProto: Buffer[] };
  errorResponse?: { errorCode: number; errorMessage: string };
}

/** The reflection protos @grpc/reflection ships, beside its build output. */
const reflectionProtos = join(dirname(require.resolve('@grpc/reflection')), '..', 'proto');

/**
 * A grpc.reflection client, as grpcurl would use it: one request on the bidirectional
 * ServerReflectionInfo stream, one answer.
 */
export async function reflect(
  address: string,
  version: ReflectionVersion,
  request: { listServices: string } | { fileContainingSymbol: string },
): Promise<ReflectionResponse> {
  const definition = loadSync(`grpc/reflection/${version}/reflection.proto`, {
    includeDirs: [reflectionProtos],
    keepCase: false,
    defaults: true,
    oneofs: true,
  });
  const method = definition[`grpc.reflection.${version}.ServerReflection`];
  const info = method && !('format' in method) ? method['ServerReflectionInfo'] : undefined;
  if (!info) throw new Error(`no grpc.reflection.${version} in the reflection proto`);
  const client = new Client(address, credentials.createInsecure());
  try {
    return await new Promise<ReflectionResponse>((resolve, reject) => {
      const call = client.makeBidiStreamRequest(
        info.path,
        info.requestSerialize,
        info.responseDeserialize,
        new Metadata(),
        { deadline: Date.now() + 5000 },
      );
      call.once('data', (response: ReflectionResponse) => {
        resolve(response);
        call.cancel();
      });
      call.once('error', (error: ServiceError) => {
        reject(error);
      });
      call.write({ host: '', ...request });
      call.end();
    });
  } finally {
    client.close();
  }
}

export async function listServices(address: string, version: ReflectionVersion): Promise<string[]> {
  const response = await reflect(address, version, { listServices: '' });
  if (!response.listServicesResponse)
    throw new Error(`no service list: ${JSON.stringify(response)}`);
  return response.listServicesResponse.service.map((service) => service.name).sort();
}

/** Names of the services in the file descriptors reflection returns for `symbol`. */
export async function servicesInFileContaining(
  address: string,
  version: ReflectionVersion,
  symbol: string,
): Promise<string[]> {
  const response = await reflect(address, version, { fileContainingSymbol: symbol });
  const files = response.fileDescriptorResponse?.fileDescriptorProto ?? [];
  return files.flatMap((bytes) => {
    const file = FileDescriptorProto.decode(bytes) as unknown as {
      package?: string;
      service?: { name?: string }[];
    };
    return (file.service ?? []).map((service) => `${file.package ?? ''}.${service.name ?? ''}`);
  });
}
