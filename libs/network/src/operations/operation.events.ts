import type { DomainEvent } from '@loom/intents';

export type OperationVerb = 'create' | 'delete';

export type OperationStarted = DomainEvent<
  'OperationStarted',
  { tenantId: string; operationId: string; target: string; verb: OperationVerb }
>;
export type OperationSucceeded = DomainEvent<'OperationSucceeded', { target: string }>;
export type OperationFailed = DomainEvent<
  'OperationFailed',
  { target: string; code: string; message: string }
>;

export type OperationEvent = OperationStarted | OperationSucceeded | OperationFailed;
