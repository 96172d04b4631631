import { join } from 'node:path';
import { Root, type Type } from 'protobufjs';
import type { Any } from './generated/google/protobuf/any';
import type {
  BadRequest,
  ErrorInfo,
  PreconditionFailure,
  QuotaFailure,
  ResourceInfo,
} from './generated/google/rpc/error_details';
import type { Status } from './generated/google/rpc/status';
import { PROTO_ROOT } from './proto-loading';

/** The trailing metadata key richer gRPC errors travel in (a serialized google.rpc.Status). */
export const STATUS_DETAILS_KEY = 'grpc-status-details-bin';

/** The google.rpc error details Loom sends, at most one of each. */
export interface StatusDetails {
  readonly badRequest?: BadRequest;
  readonly resourceInfo?: ResourceInfo;
  readonly preconditionFailure?: PreconditionFailure;
  readonly quotaFailure?: QuotaFailure;
  readonly errorInfo?: ErrorInfo;
}

export interface DecodedStatus extends StatusDetails {
  readonly code: number;
  readonly message: string;
  /** Type URLs of details this decoder does not know. */
  readonly unknownDetails: readonly string[];
}

/**
 * google.protobuf.Any as protobufjs (and so proto-loader) really holds it: its bundled definition
 * keeps the proto field name `type_url`, whatever keepCase says, while ts-proto types it `typeUrl`.
 * A `typeUrl` key would be dropped silently when encoding, so Any objects are made and read only
 * here.
 */
interface WireAny {
  readonly type_url: string;
  readonly value: Buffer;
}

const TYPE_URL_PREFIX = 'type.googleapis.com/';
const detailTypes = {
  badRequest: 'google.rpc.BadRequest',
  resourceInfo: 'google.rpc.ResourceInfo',
  preconditionFailure: 'google.rpc.PreconditionFailure',
  quotaFailure: 'google.rpc.QuotaFailure',
  errorInfo: 'google.rpc.ErrorInfo',
} as const satisfies Record<keyof StatusDetails, string>;
const detailKeys = Object.keys(detailTypes) as (keyof StatusDetails)[];

/** Same object shapes as the generated types (and proto-loader): camelCase, defaults filled in. */
const toObjectOptions = {
  longs: String,
  enums: String,
  defaults: true,
  arrays: true,
  objects: true,
};

let root: Root | undefined;

/** The vendored google/rpc protos, parsed once on first use. */
function rpcRoot(): Root {
  if (root) return root;
  const loaded = new Root();
  // google/protobuf/*.proto resolve to the copies bundled with protobufjs; the rest to proto/.
  loaded.resolvePath = (_origin, target) => join(PROTO_ROOT, target);
  loaded.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto'], {
    keepCase: false,
  });
  loaded.resolveAll();
  root = loaded;
  return loaded;
}

const typeOf = (name: string): Type => rpcRoot().lookupType(name);

/** Serializes a google.rpc.Status with the given details, for STATUS_DETAILS_KEY. */
export function encodeStatusDetails(code: number, message: string, details: StatusDetails): Buffer {
  const status = typeOf('google.rpc.Status');
  const packed = { code, message, details: packDetails(details) };
  return Buffer.from(status.encode(status.fromObject(packed)).finish());
}

/** Reads a serialized google.rpc.Status and unpacks the details Loom knows. */
export function decodeStatusDetails(bytes: Uint8Array): DecodedStatus {
  const status = typeOf('google.rpc.Status');
  return unpackRpcStatus(status.toObject(status.decode(bytes), toObjectOptions) as Status);
}

/**
 * A google.rpc.Status message field (such as Operation.error) with details, in the shape
 * proto-loader encodes.
 */
export function toRpcStatus(code: number, message: string, details: StatusDetails = {}): Status {
  // The cast is the Any mismatch described at WireAny; proto-loader encodes these objects right.
  return { code, message, details: packDetails(details) as unknown as Any[] };
}

/** The details of a google.rpc.Status message as proto-loader decoded it (Operation.error). */
export function unpackRpcStatus(status: Status): DecodedStatus {
  const unpacked: Partial<Record<keyof StatusDetails, unknown>> = {};
  const unknownDetails: string[] = [];
  for (const any of status.details as unknown as (Partial<WireAny> & Partial<Any>)[]) {
    const typeUrl = any.type_url ?? any.typeUrl ?? '';
    const typeName = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
    const key = detailKeys.find((candidate) => detailTypes[candidate] === typeName);
    if (key === undefined || any.value === undefined) {
      unknownDetails.push(typeUrl);
      continue;
    }
    const type = typeOf(typeName);
    unpacked[key] = type.toObject(type.decode(any.value), toObjectOptions);
  }
  return {
    code: status.code,
    message: status.message,
    unknownDetails,
    ...(unpacked as StatusDetails),
  };
}

function packDetails(details: StatusDetails): WireAny[] {
  return detailKeys.flatMap((key) => {
    const detail = details[key];
    if (detail === undefined) return [];
    const type = typeOf(detailTypes[key]);
    return [
      {
        type_url: `${TYPE_URL_PREFIX}${detailTypes[key]}`,
        value: Buffer.from(type.encode(type.fromObject(detail)).finish()),
      },
    ];
  });
}
