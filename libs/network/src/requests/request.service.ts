import type { AggregateStore } from '../shared/aggregate-store';
import { LoomError } from '../shared/errors';
import { eventMetadata, type RequestContext } from '../shared/request-context';
import { streams } from '../shared/streams';
import { requestDecider, type RequestState } from './request.decider';

export interface IdempotentRequest {
  readonly tenantId: string;
  /** The client's request_id (a UUID), or undefined when the client sent none. */
  readonly requestId: string | undefined;
  readonly method: string;
  /** What makes two requests "the same": a stable serialisation of the request's payload. */
  readonly fingerprint: string;
  /** The name the request produces if it is the first attempt (an operation or a resource). */
  readonly result: string;
}

const abandonAfterMs = 30_000;
const waitForOtherAttemptMs = 15_000;

/**
 * Runs a mutating request at most once per request_id: a retry returns the first attempt's
 * result, and a retry of a failed or abandoned attempt runs the work again, with the same result
 * name, so every step it repeats is recognised by its owner and not done twice.
 */
export class RequestService {
  constructor(private readonly aggregates: AggregateStore) {}

  async run(
    request: IdempotentRequest,
    context: RequestContext,
    work: (result: string) => Promise<void>,
  ): Promise<string> {
    if (request.requestId === undefined) {
      await work(request.result);
      return request.result;
    }
    const stream = streams.request(request.tenantId, request.requestId);
    const metadata = eventMetadata(context, request.tenantId, request.requestId);
    const deadline = Date.now() + waitForOtherAttemptMs;
    for (;;) {
      const now = new Date();
      const accepted = await this.aggregates.execute(
        stream,
        requestDecider,
        {
          type: 'AcceptRequest',
          method: request.method,
          fingerprint: request.fingerprint,
          result: request.result,
          now: now.toISOString(),
          staleBefore: new Date(now.getTime() - abandonAfterMs).toISOString(),
        },
        metadata,
      );
      const state = accepted.state as Exclude<RequestState, { status: 'Absent' }>;
      if (accepted.events.length > 0) {
        try {
          await work(state.result);
        } catch (error) {
          const code = error instanceof LoomError ? error.kind : 'internal';
          const message = error instanceof Error ? error.message : String(error);
          await this.aggregates.execute(
            stream,
            requestDecider,
            { type: 'FailRequest', code, message },
            metadata,
          );
          throw error;
        }
        await this.aggregates.execute(
          stream,
          requestDecider,
          { type: 'CompleteRequest' },
          metadata,
        );
        return state.result;
      }
      if (state.status === 'Succeeded') return state.result;
      // Another attempt with this request_id is running now: wait for it, then answer as it did.
      if (Date.now() > deadline) return state.result;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}
