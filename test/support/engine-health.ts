import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';

/** grpc.health.v1.Health/Check, as a load balancer or Kubernetes probe asks it: the status name. */
export async function grpcHealthOf(address: string, service = ''): Promise<string> {
  const check = loadSync(healthProtoPath, { enums: String })['grpc.health.v1.Health'];
  const method = check && !('format' in check) ? check['Check'] : undefined;
  if (!method) throw new Error('no grpc.health.v1.Health/Check');
  const client = new Client(address, credentials.createInsecure());
  try {
    return await new Promise((resolve, reject) => {
      client.makeUnaryRequest(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        { service },
        new Metadata(),
        { deadline: Date.now() + 5000 },
        (error: ServiceError | null, response?: object) => {
          if (error) reject(error);
          else resolve(String((response as { status?: unknown } | undefined)?.status));
        },
      );
    });
  } finally {
    client.close();
  }
}

/** GET /healthz: its HTTP status and JSON body. */
export async function httpHealthOf(port: number): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`);
  return { status: response.status, body: await response.json() };
}

/** Asks `probe` until `accept` says yes (then returns what it gave), or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await probe();
      lastError = undefined;
      if (accept(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `not within ${timeoutMs} ms; last: ${lastError === undefined ? JSON.stringify(last) : lastError instanceof Error ? lastError.message : JSON.stringify(lastError)}`,
      );
    }
    await new Promise((wake) => setTimeout(wake, 100));
  }
}
