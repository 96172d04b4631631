import { loadSync, type PackageDefinition } from '@grpc/proto-loader';
import type { Server } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { protoPath as healthProtoPath } from 'grpc-health-check';

/**
 * Server reflection (grpc.reflection.v1 and v1alpha) for the loom.v1 services and grpc.health.v1,
 * so grpcurl and friends work without the protos at hand.
 */
export function addReflection(server: Server, loomDefinition: PackageDefinition): void {
  const definition: PackageDefinition = { ...loomDefinition, ...loadSync(healthProtoPath) };
  new ReflectionService(definition).addToServer(server);
}
