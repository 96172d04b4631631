import { FileDescriptorProto } from 'protobufjs/ext/descriptor';
import { listServices, reflect } from '../../test/support/grpc-reflection';

export interface ReflectedMethod {
  /** `loom.v1.VpcService/CreateVpc`. */
  readonly id: string;
  readonly service: string;
  readonly method: string;
  /** Fully qualified, without the leading dot: `loom.v1.CreateVpcRequest`. */
  readonly inputType: string;
  readonly serverStreaming: boolean;
  readonly clientStreaming: boolean;
}

interface DescriptorFile {
  package?: string;
  service?: {
    name?: string;
    method?: {
      name?: string;
      inputType?: string;
      serverStreaming?: boolean;
      clientStreaming?: boolean;
    }[];
  }[];
}

/**
 * Every loom.v1 method the running engine serves, as server reflection tells it (not as the
 * protos in this checkout say): a method added to the server shows here at once.
 */
export async function reflectedMethods(address: string): Promise<ReflectedMethod[]> {
  const services = (await listServices(address, 'v1')).filter((name) => name.startsWith('loom.'));
  const methods = new Map<string, ReflectedMethod>();
  for (const service of services) {
    const response = await reflect(address, 'v1', { fileContainingSymbol: service });
    for (const bytes of response.fileDescriptorResponse?.fileDescriptorProto ?? []) {
      const file = FileDescriptorProto.decode(bytes) as unknown as DescriptorFile;
      for (const described of file.service ?? []) {
        const serviceName = `${file.package ?? ''}.${described.name ?? ''}`;
        if (serviceName !== service) continue;
        for (const method of described.method ?? []) {
          const id = `${serviceName}/${method.name ?? ''}`;
          methods.set(id, {
            id,
            service: serviceName,
            method: method.name ?? '',
            inputType: (method.inputType ?? '').replace(/^\./, ''),
            serverStreaming: method.serverStreaming === true,
            clientStreaming: method.clientStreaming === true,
          });
        }
      }
    }
  }
  return [...methods.values()].sort((a, b) => a.id.localeCompare(b.id));
}
