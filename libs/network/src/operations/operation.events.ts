import type { ErrorKind } from '@loom/errors';
import type { DomainEvent } from '@loom/intents';

export type OperationVerb = 'create' | 'update' | 'delete';

export type OperationStarted = DomainEvent<
  'OperationStarted',
  { tenantId: string; operationId: string; target: string; verb: OperationVerb }
>;
export type OperationSucceeded = DomainEvent<'OperationSucceeded', { target: string }>;
/** Schema version 2: `kind` replaced version 1's free `code` string (see the event catalog). */
export type OperationFailed = DomainEvent<
  'OperationFailed',
  { target: string; kind: ErrorKind; message: string }
>;

export type OperationEvent = OperationStarted | OperationSucceeded | OperationFailed;
