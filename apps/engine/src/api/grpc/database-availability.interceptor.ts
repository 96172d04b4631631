import {
  Metadata,
  ServerInterceptingCall,
  type ServerInterceptingCallInterface,
  type ServerInterceptor,
} from '@grpc/grpc-js';
import { grpcStatusCodeOf } from '@loom/errors';

/**
 * While DatabaseHealth says the database does not answer, calls to the protected methods are
 * refused at once as UNAVAILABLE, before their handler runs. Without it a database that hangs
 * (paused, a network partition: connections open, nothing answered) held every call until its
 * deadline, where a database that is down refused them at once (found by the chaos campaign).
 * Calls already running when it goes wait for it or for their deadline.
 */
export function databaseAvailabilityInterceptor(
  database: { readonly available: boolean },
  protects: (path: string) => boolean,
): ServerInterceptor {
  return (method, call: ServerInterceptingCallInterface): ServerInterceptingCall => {
    if (!protects(method.path)) return new ServerInterceptingCall(call);
    return new ServerInterceptingCall(call, {
      start: (next) => {
        next({
          onReceiveMetadata: (metadata, proceed) => {
            if (database.available) {
              proceed(metadata);
              return;
            }
            call.sendStatus({
              code: grpcStatusCodeOf('unavailable'),
              details: 'the database cannot be reached: retry later',
              metadata: new Metadata(),
            });
          },
        });
      },
    });
  };
}
