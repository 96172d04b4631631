import { FailedPreconditionError, NotFoundError } from '@loom/errors';
import { specify } from '@loom/intents/testing';
import { operationDecider } from './operation.decider';
import type { OperationEvent } from './operation.events';

const name = 'tenants/acme/operations/op-1';
const target = 'tenants/acme/vpcs/prod/subnets/web/ports/p1';
const ids = { tenantId: 'acme', operationId: 'op-1' } as const;
const start = { ...ids, type: 'StartOperation', target, verb: 'create' } as const;
const succeed = { ...ids, type: 'SucceedOperation' } as const;
const fail = {
  ...ids,
  type: 'FailOperation',
  kind: 'resource-exhausted',
  message: 'fabric step vrf failed and was undone: leaf1 is full',
} as const;
const started: OperationEvent = {
  type: 'OperationStarted',
  data: { ...ids, target, verb: 'create' },
};
const succeeded: OperationEvent = { type: 'OperationSucceeded', data: { target } };
const failed: OperationEvent = {
  type: 'OperationFailed',
  data: { target, kind: fail.kind, message: fail.message },
};
const given = specify(operationDecider);

describe('operation decider', () => {
  describe('StartOperation', () => {
    it('starts an operation on its target', () => {
      given([]).when(start).then([started]);
    });

    it('starts it once: a repeat, running or done, records nothing', () => {
      given([started]).when(start).then([]);
      given([started, succeeded]).when(start).then([]);
      given([started, failed]).when(start).then([]);
    });
  });

  describe('SucceedOperation', () => {
    it('finishes a running operation successfully', () => {
      given([started]).when(succeed).then([succeeded]);
    });

    it('records nothing for a repeat', () => {
      given([started, succeeded]).when(succeed).then([]);
    });

    it('refuses an operation that failed, and one never started', () => {
      given([started, failed]).when(succeed).thenThrows(FailedPreconditionError, {
        subject: name,
        type: 'OPERATION_DONE',
        description: 'the operation already failed',
      });
      given([]).when(succeed).thenThrows(NotFoundError, { resourceName: name });
    });
  });

  describe('FailOperation', () => {
    it('finishes a running operation with the typed kind of its error', () => {
      given([started]).when(fail).then([failed]);
    });

    it('records nothing for a repeat', () => {
      given([started, failed]).when(fail).then([]);
    });

    it('refuses an operation that succeeded, and one never started', () => {
      given([started, succeeded]).when(fail).thenThrows(FailedPreconditionError, {
        subject: name,
        type: 'OPERATION_DONE',
        description: 'the operation already succeeded',
      });
      given([]).when(fail).thenThrows(NotFoundError, { resourceName: name });
    });
  });
});
