import type { Decider } from '../decider';
import { InvalidArgumentError, type ErrorKind } from '@loom/errors';
import type { RequestEvent } from './request.events';

export type RequestState =
  | { readonly status: 'Absent' }
  | {
      readonly status: 'Accepted' | 'Succeeded' | 'Failed';
      readonly method: string;
      readonly fingerprint: string;
      /** The resource or operation name the request produces. */
      readonly result: string;
      readonly acceptedAt: string;
    };

export type RequestCommand =
  | {
      readonly type: 'AcceptRequest';
      readonly method: string;
      readonly fingerprint: string;
      readonly result: string;
      readonly now: string;
      /** An attempt accepted before this instant is presumed dead and may be taken over. */
      readonly staleBefore: string;
    }
  | { readonly type: 'CompleteRequest' }
  | { readonly type: 'FailRequest'; readonly kind: ErrorKind; readonly message: string };

/**
 * Idempotent requests (AIP-155): the same request_id with the same payload returns the first
 * attempt's result; with another payload it is refused. A failed or abandoned attempt may be retried.
 */
export const requestDecider: Decider<RequestCommand, RequestEvent, RequestState> = {
  initialState: () => ({ status: 'Absent' }),

  decide(command, state) {
    switch (command.type) {
      case 'AcceptRequest': {
        if (state.status !== 'Absent') {
          if (state.method !== command.method || state.fingerprint !== command.fingerprint) {
            throw new InvalidArgumentError([
              { field: 'request_id', description: 'was already used for a different request' },
            ]);
          }
          const abandoned = state.status === 'Accepted' && state.acceptedAt < command.staleBefore;
          if (state.status !== 'Failed' && !abandoned) return [];
        }
        const { method, fingerprint, now } = command;
        const result = state.status === 'Absent' ? command.result : state.result;
        return [
          { type: 'RequestAccepted', data: { method, fingerprint, result, acceptedAt: now } },
        ];
      }
      case 'CompleteRequest':
        return state.status === 'Accepted'
          ? [{ type: 'RequestSucceeded', data: { result: state.result } }]
          : [];
      case 'FailRequest':
        return state.status === 'Accepted'
          ? [{ type: 'RequestFailed', data: { kind: command.kind, message: command.message } }]
          : [];
      default: {
        const exhaustive: never = command;
        return exhaustive;
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'RequestAccepted':
        return { status: 'Accepted', ...event.data };
      case 'RequestSucceeded':
        return state.status === 'Absent' ? state : { ...state, status: 'Succeeded' };
      case 'RequestFailed':
        return state.status === 'Absent' ? state : { ...state, status: 'Failed' };
      default: {
        const exhaustive: never = event;
        return exhaustive;
      }
    }
  },
};
