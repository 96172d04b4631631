import { unpackRpcStatus, type Status } from '@loom/api-contract';

/**
 * An API message as `-o json|yaml` prints it, close to the protobuf JSON mapping that grpcurl
 * and other clients print: camelCase fields, enums by name, every field present, Timestamps as RFC
 * 3339 strings, a google.rpc.Status with its details unpacked (`@type` plus the detail's fields).
 */
export function jsonView(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (Array.isArray(value)) return value.map(jsonView);
  if (isTimestamp(value)) return rfc3339(value);
  if (isStatus(value)) return statusView(value);
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, jsonView(field)]));
}

/** Only google.protobuf.Timestamp has exactly these two fields in loom.v1's responses. */
function isTimestamp(value: object): value is { seconds: string; nanos: number } {
  const keys = Object.keys(value);
  return (
    keys.length === 2 &&
    'seconds' in value &&
    'nanos' in value &&
    typeof value.seconds === 'string' &&
    typeof value.nanos === 'number'
  );
}

/** `2026-01-02T03:04:05.123456Z`: the fraction as long as it needs to be, none when zero. */
export function rfc3339(timestamp: { seconds: string; nanos: number }): string {
  const whole = new Date(Number(timestamp.seconds) * 1000).toISOString().slice(0, 19);
  const fraction = String(timestamp.nanos).padStart(9, '0').replace(/0+$/, '');
  return `${whole}${fraction ? `.${fraction}` : ''}Z`;
}

function isStatus(value: object): value is Status {
  return (
    'code' in value &&
    'message' in value &&
    'details' in value &&
    typeof value.code === 'number' &&
    Array.isArray(value.details)
  );
}

const detailTypes = {
  badRequest: 'google.rpc.BadRequest',
  resourceInfo: 'google.rpc.ResourceInfo',
  preconditionFailure: 'google.rpc.PreconditionFailure',
  quotaFailure: 'google.rpc.QuotaFailure',
  errorInfo: 'google.rpc.ErrorInfo',
} as const;

function statusView(status: Status): unknown {
  const decoded = unpackRpcStatus(status);
  const details = Object.entries(detailTypes).flatMap(([key, type]) => {
    const detail = decoded[key as keyof typeof detailTypes];
    return detail === undefined
      ? []
      : [{ '@type': `type.googleapis.com/${type}`, ...(jsonView(detail) as object) }];
  });
  return {
    code: status.code,
    message: status.message,
    details: [...details, ...decoded.unknownDetails.map((type) => ({ '@type': type }))],
  };
}
