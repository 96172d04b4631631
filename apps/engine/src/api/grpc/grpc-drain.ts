import type { Server } from '@grpc/grpc-js';

/**
 * Stops accepting calls and lets the ones in flight finish, for at most `graceMs`; calls still
 * running then (a Watch stream never ends on its own) are cancelled.
 */
export function drainGrpcServer(server: Server, graceMs: number): Promise<'drained' | 'forced'> {
  return new Promise((resolve) => {
    const deadline = setTimeout(() => {
      server.forceShutdown();
      resolve('forced');
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(deadline);
      resolve('drained');
    });
  });
}
