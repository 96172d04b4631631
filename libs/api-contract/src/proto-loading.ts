import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadSync, type Options, type PackageDefinition } from '@grpc/proto-loader';

/**
 * The repository's `proto/` folder. Found by walking up from this file because the same code runs
 * from `libs/api-contract/src` (tests) and from `dist/libs/api-contract/src` (the built engine).
 */
export const PROTO_ROOT: string = findProtoRoot(__dirname);

/** Every loom.v1 file; their imports (google/rpc, google/protobuf) resolve from PROTO_ROOT. */
export const LOOM_PROTO_FILES: readonly string[] = [
  'loom/v1/tenant.proto',
  'loom/v1/vpc.proto',
  'loom/v1/subnet.proto',
  'loom/v1/port.proto',
  'loom/v1/operation.proto',
  'loom/v1/watch.proto',
  'loom/v1/fabric.proto',
  'loom/v1/audit.proto',
  'loom/v1/external_network.proto',
  'loom/v1/external_gateway.proto',
  'loom/v1/floating_ip.proto',
  'loom/v1/qos_policy.proto',
  'loom/v1/service_ip.proto',
];

export const LOOM_PACKAGE = 'loom.v1';

/**
 * How @grpc/proto-loader turns messages into objects, on the server and in clients alike. These
 * are the shapes the generated types (buf.gen.yaml) describe: camelCase keys, int64 as strings,
 * enums as names, every scalar present with its default and unset messages as null.
 */
export const LOOM_PROTO_LOADER_OPTIONS = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  arrays: true,
  objects: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
} satisfies Options;

export function loadLoomPackageDefinition(): PackageDefinition {
  return loadSync([...LOOM_PROTO_FILES], LOOM_PROTO_LOADER_OPTIONS);
}

/** Fully qualified names of the loom.v1 services in a loaded package definition. */
export function loomServiceNames(definition: PackageDefinition): string[] {
  return Object.entries(definition)
    .filter(([name, value]) => name.startsWith(`${LOOM_PACKAGE}.`) && !('format' in value))
    .map(([name]) => name)
    .sort();
}

function findProtoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'proto');
    if (existsSync(join(candidate, 'loom', 'v1', 'tenant.proto'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`no proto/loom/v1 above ${from}`);
  }
}
