import { randomUUID } from 'node:crypto';
import type { AggregateStore } from '../shared/aggregate-store';
import { eventMetadata, type RequestContext } from '../shared/request-context';
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

/** Records the long-running work of intents. Until fabric sagas exist, work completes at once. */
export class OperationService {
  constructor(private readonly aggregates: AggregateStore) {}

  async start(
    operation: string,
    target: string,
    verb: OperationVerb,
    context: RequestContext,
  ): Promise<void> {
    const { tenantId, operationId } = splitOperationName(operation);
    await this.aggregates.execute(
      streams.operation(tenantId, operationId),
      operationDecider,
      { type: 'StartOperation', tenantId, operationId, target, verb },
      eventMetadata(context, tenantId),
    );
  }

  async succeed(operation: string, context: RequestContext): Promise<void> {
    const { tenantId, operationId } = splitOperationName(operation);
    await this.aggregates.execute(
      streams.operation(tenantId, operationId),
      operationDecider,
      { type: 'SucceedOperation', tenantId, operationId },
      eventMetadata(context, tenantId),
    );
  }

  async completeAtOnce(
    operation: string,
    target: string,
    verb: OperationVerb,
    context: RequestContext,
  ): Promise<void> {
    await this.start(operation, target, verb, context);
    await this.succeed(operation, context);
  }
}
