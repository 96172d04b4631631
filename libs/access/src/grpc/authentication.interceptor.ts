import {
  Metadata,
  ServerInterceptingCall,
  type ServerInterceptingCallInterface,
  type ServerInterceptor,
} from '@grpc/grpc-js';
import { grpcStatusCodeOf, UnauthenticatedError } from '@loom/errors';
import type { Authenticator } from './authenticator';
import { attachCallEnded, attachCallMethod } from './principal-of';

/**
 * Authenticates calls to the protected methods before grpc-js looks for their handler. The Nest
 * guard alone would miss the methods no controller implements yet (grpc-js answers those itself),
 * and an unauthenticated caller should not learn which methods exist. Health and reflection stay
 * open: `protects` decides by method path.
 */
export function authenticationInterceptor(
  authenticator: Authenticator,
  protects: (path: string) => boolean,
): ServerInterceptor {
  return (method, call: ServerInterceptingCallInterface): ServerInterceptingCall => {
    if (!protects(method.path)) return new ServerInterceptingCall(call);
    const deadline = call.getDeadline();
    const deadlineMs = deadline instanceof Date ? deadline.getTime() : deadline;
    let cancelled = false;
    return new ServerInterceptingCall(call, {
      start: (next) => {
        next({
          onCancel: () => {
            cancelled = true;
          },
          onReceiveMetadata: (metadata, proceed) => {
            attachCallMethod(metadata, method.path);
            attachCallEnded(metadata, () => cancelled || Date.now() > deadlineMs);
            authenticator.authenticate(metadata).then(
              () => {
                proceed(metadata);
              },
              (error: unknown) => {
                // Anything but a refused token is a bug here: INTERNAL, with nothing of its insides.
                const refused = error instanceof UnauthenticatedError;
                call.sendStatus({
                  code: grpcStatusCodeOf(refused ? 'unauthenticated' : 'internal'),
                  details: refused ? error.message : 'internal error',
                  metadata: new Metadata(),
                });
              },
            );
          },
        });
      },
    });
  };
}
