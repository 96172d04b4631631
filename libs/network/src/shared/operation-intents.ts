import type { IntentRuntime, IntentTransaction, RequestContext } from '@loom/intents';
import { operationName } from '@loom/names';
import type { SagaType } from '@loom/sagas';
import type { OperationVerb } from '../operations/operation.events';
import {
  newOperationId,
  operationIdOf,
  type OperationService,
  type RequestedOperation,
} from '../operations/operation.service';

export interface OperationRequest {
  readonly tenantId: string;
  /** The client's request_id, or undefined when it sent none. */
  readonly requestId: string | undefined;
  /** The API method, e.g. `CreatePort`: a request_id is bound to one method and payload. */
  readonly method: string;
  /** The request's fields: a retry with the same request_id must carry the same. */
  readonly payload: readonly unknown[];
  /** The resource the operation works on, and how. */
  readonly target: string;
  readonly verb: OperationVerb;
}

/** Fabric work an intent starts: a saga of this type and input; its id is the operation's. */
export interface OperationWork<Input> {
  readonly saga: SagaType<Input>;
  /** Sagas of one resource key run one after another, in the order their intents committed. */
  readonly resourceKey: string;
  readonly input: NoInfer<Input>;
}

/** What an intent answered by an operation decides through. */
export interface OperationIntent extends IntentTransaction {
  /** `tenants/{t}/operations/{o}`: the request's result, the same for every retry. */
  readonly operation: string;
  /**
   * Starts a saga once the intent commits (recorded in the same commit); the operation is done
   * when the saga ends. An intent that starts none has its operation done at once.
   */
  startFabricWork<Input>(work: OperationWork<Input>): void;
}

/**
 * The write path of every intent answered by an operation (creates and deletes of VPCs, subnets,
 * ports): the intent, its operation and the fabric work it starts, committed together by the
 * intent runtime, once per request_id.
 */
export class OperationIntents {
  constructor(
    private readonly runtime: IntentRuntime,
    private readonly operations: OperationService,
  ) {}

  async submit(
    request: OperationRequest,
    context: RequestContext,
    decide: (intent: OperationIntent) => Promise<void>,
  ): Promise<RequestedOperation> {
    const { tenantId, target, verb } = request;
    const outcome = await this.runtime.submit(
      {
        tenantId,
        requestId: request.requestId,
        method: request.method,
        fingerprint: JSON.stringify(request.payload),
        result: operationName(tenantId, newOperationId()),
      },
      context,
      async (intent) => {
        const operation = intent.result;
        const works: OperationWork<unknown>[] = [];
        await decide({
          operation,
          execute: intent.execute.bind(intent),
          read: intent.read.bind(intent),
          startFabricWork: (work) => {
            // The saga's id is the operation's: one operation, one saga.
            if (works.length > 0) throw new Error(`${operation} already starts a saga`);
            works.push(work);
          },
        });
        if (works.length === 0) {
          return this.operations.completeAtOnce(intent, operation, target, verb, context);
        }
        for (const { saga, resourceKey, input } of works) {
          const sagaId = operationIdOf(operation);
          intent.requestFabricWork({ sagaType: saga.type, sagaId, resourceKey, input });
        }
        return this.operations.start(intent, operation, target, verb, context);
      },
    );
    return { name: outcome.result, recorded: outcome.value };
  }
}
