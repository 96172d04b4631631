import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { loadLoomPackageDefinition } from '../../libs/api-contract/src/proto-loading';
import { method } from './api-client';

/**
 * Any loom.v1 method by name, over `count` connections used in turn, every call with the token
 * (the scale benchmark calls a dozen methods; api-client.ts keeps the API benchmark's three typed).
 * Requests and answers are the generated shapes (proto-loader fills in defaults).
 */
export interface LoomCalls {
  unary<T>(service: string, name: string, request: object, deadlineMs?: number): Promise<T>;
  /** A server stream (Watch): `onMessage` for each message until `cancel()`. */
  stream(
    service: string,
    name: string,
    request: object,
    onMessage: (message: object) => void,
  ): {
    cancel(): void;
  };
  close(): void;
}

const defaultDeadlineMs = 30_000;

export function openLoomCalls(address: string, token: string, count: number): LoomCalls {
  const definition = loadLoomPackageDefinition();
  const clients = Array.from(
    { length: count },
    () =>
      new Client(address, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 }),
  );
  let next = 0;
  const metadata = (): Metadata => {
    const result = new Metadata();
    result.set('authorization', `Bearer ${token}`);
    return result;
  };
  const client = (): Client => {
    next = (next + 1) % clients.length;
    const chosen = clients[next];
    if (chosen === undefined) throw new Error('no gRPC client');
    return chosen;
  };
  return {
    unary<T>(service: string, name: string, request: object, deadlineMs = defaultDeadlineMs) {
      const { path, requestSerialize, responseDeserialize } = method(
        definition,
        `loom.v1.${service}`,
        name,
      );
      return new Promise<T>((resolve, reject) => {
        client().makeUnaryRequest(
          path,
          requestSerialize,
          responseDeserialize,
          request,
          metadata(),
          { deadline: Date.now() + deadlineMs },
          (error: ServiceError | null, response?: object) => {
            if (error) reject(error);
            else resolve((response ?? {}) as T);
          },
        );
      });
    },
    stream(service, name, request, onMessage) {
      const { path, requestSerialize, responseDeserialize } = method(
        definition,
        `loom.v1.${service}`,
        name,
      );
      const call = client().makeServerStreamRequest(
        path,
        requestSerialize,
        responseDeserialize,
        request,
        metadata(),
      );
      call.on('data', onMessage);
      // Cancelling ends the stream with CANCELLED: expected, not a failure.
      call.on('error', () => undefined);
      return {
        cancel: () => {
          call.cancel();
        },
      };
    },
    close() {
      for (const each of clients) each.close();
    },
  };
}
