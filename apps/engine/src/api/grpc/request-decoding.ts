import {
  ServerInterceptingCall,
  type deserialize as Deserialize,
  type Server,
  type ServerInterceptingCallInterface,
  type ServerInterceptor,
} from '@grpc/grpc-js';
import { InvalidArgumentError } from '@loom/errors';
import { refusalStatus } from '../errors/grpc-exception.filter';

/** What a request's bytes decode to when they are no message of the method's request type. */
class UndecodableRequest {
  constructor(readonly path: string) {}
}

/**
 * Makes every method registered on `server` from now on (loom.v1, health, reflection) decode its
 * requests without throwing: bytes that are no request message become an UndecodableRequest,
 * which undecodableRequestInterceptor answers with INVALID_ARGUMENT. grpc-js itself would answer a
 * decoding failure with INTERNAL ("Error deserializing request"), the code of a bug.
 */
export function decodeRequestsSafely(server: Server): void {
  const register = server.register.bind(server);
  server.register = (name, handler, serialize, deserialize, type) =>
    register(name, handler, serialize, safely(name, deserialize), type);
}

function safely<Request>(path: string, deserialize: Deserialize<Request>): Deserialize<Request> {
  return (bytes) => {
    try {
      return deserialize(bytes);
    } catch {
      return new UndecodableRequest(path) as Request;
    }
  };
}

/**
 * Answers a request whose bytes did not decode (see decodeRequestsSafely) with INVALID_ARGUMENT,
 * its BadRequest naming the whole request (an empty field path), the way the exception filter
 * answers every refusal; the method's handler never sees it. After the authentication
 * interceptor: an unauthenticated caller learns nothing about its bytes.
 */
export function undecodableRequestInterceptor(): ServerInterceptor {
  return (_method, call: ServerInterceptingCallInterface): ServerInterceptingCall => {
    let answered = false;
    return new ServerInterceptingCall(call, {
      start: (next) => {
        next({
          onReceiveMessage: (message, proceed) => {
            if (!(message instanceof UndecodableRequest)) {
              proceed(message);
              return;
            }
            answered = true;
            call.sendStatus(
              refusalStatus(
                new InvalidArgumentError([
                  {
                    field: '',
                    description: `the request's bytes are no request message of ${message.path}`,
                  },
                ]),
              ),
            );
          },
          onReceiveHalfClose: (proceed) => {
            if (!answered) proceed();
          },
        });
      },
    });
  };
}
