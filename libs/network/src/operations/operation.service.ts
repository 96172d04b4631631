import { randomUUID } from 'node:crypto';
import type { IntentTransaction } from '@loom/intents';
import { eventMetadata, type RequestContext } from '@loom/intents';
import { streams } from '../shared/streams';
import { operationDecider } from './operation.decider';
import type { OperationVerb } from './operation.events';

/** A fresh operation id: a UUID behind a letter, as resource ids must start with one (AIP-122). */
export function newOperationId(): string {
  return `op-${randomUUID()}`;
}

/** The operation id part of `tenants/{tenant}/operations/{id}`: unique, and a valid saga id. */
export function operationIdOf(name: string): string {
  return splitOperationName(name).operationId;
}

export function splitOperationName(name: string): { tenantId: string; operationId: string } {
  const [, tenantId = '', , operationId = ''] = name.split('/');
  return { tenantId, operationId };
}

/** An operation as the intent that finished it recorded it: what its read model row will hold. */
export interface OperationSnapshot {
  readonly name: string;
  readonly target: string;
  readonly verb: OperationVerb;
  readonly done: boolean;
  /** ISO-8601, the occurred-at of its events. */
  readonly createTime: string;
  readonly endTime: string | undefined;
}

/** What a mutating request answers: its operation, as recorded when this call did the work. */
export interface RequestedOperation {
  readonly name: string;
  /** Undefined when an earlier attempt with the same request_id did the work: read it. */
  readonly recorded: OperationSnapshot | undefined;
}

/** Records the long-running work of intents: work without fabric work completes at once. */
export class OperationService {
  /**
   * Starts an operation within the intent's transaction; the fabric work the intent requested
   * finishes it. Returns it as recorded, or undefined when an earlier attempt had started it.
   */
  async start(
    transaction: IntentTransaction,
    operation: string,
    target: string,
    verb: OperationVerb,
    context: RequestContext,
  ): Promise<OperationSnapshot | undefined> {
    const { tenantId, operationId } = splitOperationName(operation);
    const occurredAt = new Date().toISOString();
    const started = await transaction.execute(
      streams.operation(tenantId, operationId),
      operationDecider,
      { type: 'StartOperation', tenantId, operationId, target, verb },
      { ...eventMetadata(context, tenantId), occurredAt },
    );
    if (started.events.length === 0) return undefined;
    return {
      name: operation,
      target,
      verb,
      done: false,
      createTime: occurredAt,
      endTime: undefined,
    };
  }

  /**
   * Starts and finishes an operation within the intent's transaction. Returns it as recorded, or
   * undefined when an earlier attempt had started it (its times are that attempt's).
   */
  async completeAtOnce(
    transaction: IntentTransaction,
    operation: string,
    target: string,
    verb: OperationVerb,
    context: RequestContext,
  ): Promise<OperationSnapshot | undefined> {
    const started = await this.start(transaction, operation, target, verb, context);
    const { tenantId, operationId } = splitOperationName(operation);
    // Stated rather than left to the store, so that the reply can say when it happened.
    const occurredAt = started?.createTime ?? new Date().toISOString();
    await transaction.execute(
      streams.operation(tenantId, operationId),
      operationDecider,
      { type: 'SucceedOperation', tenantId, operationId },
      { ...eventMetadata(context, tenantId), occurredAt },
    );
    return started && { ...started, done: true, endTime: occurredAt };
  }
}
