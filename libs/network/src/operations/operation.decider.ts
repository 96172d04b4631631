import type { Decider } from '@loom/intents';
import { FailedPreconditionError, NotFoundError, type ErrorKind } from '@loom/errors';
import { operationName } from '@loom/names';
import type { OperationEvent, OperationVerb } from './operation.events';

export type OperationState =
  | { readonly status: 'Absent' }
  | {
      readonly status: 'Running' | 'Succeeded' | 'Failed';
      readonly tenantId: string;
      readonly operationId: string;
      readonly target: string;
      readonly verb: OperationVerb;
    };

interface OperationTarget {
  readonly tenantId: string;
  readonly operationId: string;
}

export type OperationCommand =
  | (OperationTarget & {
      readonly type: 'StartOperation';
      readonly target: string;
      readonly verb: OperationVerb;
    })
  | (OperationTarget & { readonly type: 'SucceedOperation' })
  | (OperationTarget & {
      readonly type: 'FailOperation';
      readonly kind: ErrorKind;
      readonly message: string;
    });

/** The long-running work an intent starts; done exactly once, successfully or not. */
export const operationDecider: Decider<OperationCommand, OperationEvent, OperationState> = {
  initialState: () => ({ status: 'Absent' }),

  decide(command, state) {
    const name = operationName(command.tenantId, command.operationId);
    if (command.type === 'StartOperation') {
      if (state.status !== 'Absent') return [];
      const { tenantId, operationId, target, verb } = command;
      return [{ type: 'OperationStarted', data: { tenantId, operationId, target, verb } }];
    }
    if (state.status === 'Absent') throw new NotFoundError(name);
    const outcome = command.type === 'SucceedOperation' ? 'Succeeded' : 'Failed';
    if (state.status === outcome) return [];
    if (state.status !== 'Running') {
      throw new FailedPreconditionError(
        name,
        'OPERATION_DONE',
        `the operation already ${state.status.toLowerCase()}`,
      );
    }
    return command.type === 'SucceedOperation'
      ? [{ type: 'OperationSucceeded', data: { target: state.target } }]
      : [
          {
            type: 'OperationFailed',
            data: { target: state.target, kind: command.kind, message: command.message },
          },
        ];
  },

  evolve(state, event) {
    switch (event.type) {
      case 'OperationStarted':
        return { status: 'Running', ...event.data };
      case 'OperationSucceeded':
        return state.status === 'Absent' ? state : { ...state, status: 'Succeeded' };
      case 'OperationFailed':
        return state.status === 'Absent' ? state : { ...state, status: 'Failed' };
      default: {
        const exhaustive: never = event;
        return exhaustive;
      }
    }
  },
};
