import { join } from 'node:path';
import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { LOOM_PROTO_FILES, PROTO_ROOT } from '@loom/api-contract';
import type { ReflectedMethod } from './reflected-api';

/**
 * The loom.v1 messages as protobuf.js types, field names as in the protos (snake_case): the
 * descriptors the fuzzer generates from and the access matrix encodes its requests with.
 */
export function loadLoomRoot(): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) =>
    target.startsWith('google/protobuf/') ? target : join(PROTO_ROOT, target);
  root.loadSync([...LOOM_PROTO_FILES], { keepCase: true });
  root.resolveAll();
  return root;
}

export interface CallResult {
  /** The gRPC status code (0 OK). */
  readonly code: number;
  readonly details: string;
  /** Messages received (server streaming), or 1 for an answered unary call. */
  readonly messages: number;
  readonly elapsedMs: number;
}

const identity = (bytes: Buffer): Buffer => bytes;

/**
 * Calls `method` with `body` as the request's bytes (valid or not: the fuzzer sends garbage too),
 * with a bearer token or none, and ends with its status; a stream is read until it ends, fails
 * or `maxMessages` arrived (then cancelled: OK).
 */
export function rawCall(
  client: Client,
  method: ReflectedMethod,
  body: Buffer,
  options: {
    token?: string | undefined;
    deadlineMs: number;
    maxMessages?: number;
    /** Sent as `x-request-id`: the events the call writes carry it as their correlation id. */
    correlationId?: string;
  },
): Promise<CallResult> {
  const metadata = new Metadata();
  if (options.token !== undefined) metadata.set('authorization', `Bearer ${options.token}`);
  if (options.correlationId !== undefined) metadata.set('x-request-id', options.correlationId);
  const path = `/${method.id}`;
  const started = Date.now();
  const deadline = started + options.deadlineMs;
  const done = (code: number, details: string, messages: number): CallResult => ({
    code,
    details,
    messages,
    elapsedMs: Date.now() - started,
  });
  if (!method.serverStreaming) {
    return new Promise((resolve) => {
      client.makeUnaryRequest(path, identity, identity, body, metadata, { deadline }, (error) => {
        const failure = error;
        resolve(failure ? done(failure.code, failure.details, 0) : done(status.OK, '', 1));
      });
    });
  }
  return new Promise((resolve) => {
    let messages = 0;
    const call = client.makeServerStreamRequest(path, identity, identity, body, metadata, {
      deadline,
    });
    call.on('data', () => {
      messages += 1;
      if (messages >= (options.maxMessages ?? Number.POSITIVE_INFINITY)) call.cancel();
    });
    call.on('error', (error: ServiceError) => {
      const cancelledByUs =
        error.code === status.CANCELLED && messages >= (options.maxMessages ?? Infinity);
      resolve(done(cancelledByUs ? status.OK : error.code, error.details, messages));
    });
    call.on('end', () => {
      resolve(done(status.OK, '', messages));
    });
  });
}

export function newRawClient(address: string, options: Record<string, number> = {}): Client {
  return new Client(address, credentials.createInsecure(), options);
}

/** A unary loom.v1 call with a request given as an object with the protos' field names. */
export async function callJson(
  address: string,
  id: string,
  request: Record<string, unknown>,
  token: string | undefined,
): Promise<CallResult> {
  const [service, method] = id.split('/');
  const root = loadLoomRoot();
  const lookup = root.lookupService(service ?? '').methods[method ?? ''];
  if (!lookup) throw new Error(`no method ${id}`);
  const type = root.lookupType(lookup.requestType);
  const client = newRawClient(address);
  try {
    return await rawCall(
      client,
      {
        id,
        service: service ?? '',
        method: method ?? '',
        inputType: type.fullName.replace(/^\./, ''),
        serverStreaming: false,
        clientStreaming: false,
      },
      Buffer.from(type.encode(type.fromObject(request)).finish()),
      { token, deadlineMs: 10_000 },
    );
  } finally {
    client.close();
  }
}
