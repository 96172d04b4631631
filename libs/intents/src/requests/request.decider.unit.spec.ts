import { InvalidArgumentError } from '@loom/errors';
import { specify } from '../testing';
import { requestDecider, type RequestCommand } from './request.decider';
import type { RequestAccepted, RequestEvent } from './request.events';

const method = '/loom.v1.VpcService/CreateVpc';
const fingerprint = 'sha256:1f2e';
const result = 'tenants/acme/operations/op-1';
const acceptedAt = '2026-01-01T00:00:00.000Z';
/** A later attempt, within the time a running attempt is presumed alive. */
const now = '2026-01-01T00:00:10.000Z';
const staleBefore = '2025-12-31T23:59:00.000Z';

const accept = (fields: Partial<Extract<RequestCommand, { type: 'AcceptRequest' }>> = {}) =>
  ({
    type: 'AcceptRequest',
    method,
    fingerprint,
    result: 'tenants/acme/operations/op-2',
    now,
    staleBefore,
    ...fields,
  }) as const;
const accepted: RequestAccepted = {
  type: 'RequestAccepted',
  data: { method, fingerprint, result, acceptedAt },
};
const succeeded: RequestEvent = { type: 'RequestSucceeded', data: { result } };
const failed: RequestEvent = {
  type: 'RequestFailed',
  data: { kind: 'resource-exhausted', message: 'tenants/acme: the quota of 5 VPCs is used up' },
};
const complete = { type: 'CompleteRequest' } as const;
const fail = { type: 'FailRequest', kind: 'unavailable', message: 'try later' } as const;
const given = specify(requestDecider);

describe('request decider', () => {
  describe('AcceptRequest', () => {
    it('accepts a new request_id with the result it will produce', () => {
      given([])
        .when(accept({ result, now: acceptedAt }))
        .then([accepted]);
    });

    it('accepts a repeat of a running or finished request no second time', () => {
      given([accepted]).when(accept()).then([]);
      given([accepted, succeeded]).when(accept()).then([]);
    });

    it('accepts a retry after a failure anew, keeping the first result', () => {
      given([accepted, failed])
        .when(accept())
        .then([
          { type: 'RequestAccepted', data: { method, fingerprint, result, acceptedAt: now } },
        ]);
    });

    it('takes over an attempt accepted before staleBefore, presumed dead, keeping its result', () => {
      const later = '2026-01-01T00:10:00.000Z';
      given([accepted])
        .when(accept({ now: later, staleBefore: '2026-01-01T00:05:00.000Z' }))
        .then([
          { type: 'RequestAccepted', data: { method, fingerprint, result, acceptedAt: later } },
        ]);
    });

    it('does not take over a finished request, however old', () => {
      given([accepted, succeeded])
        .when(accept({ staleBefore: '2026-02-01T00:00:00.000Z' }))
        .then([]);
    });

    it.each([
      ['another method', { method: '/loom.v1.VpcService/DeleteVpc' }],
      ['another payload', { fingerprint: 'sha256:9a9a' }],
    ])('refuses the request_id for %s, whatever the first attempt became', (_, fields) => {
      const refusal = {
        violations: [
          { field: 'request_id', description: 'was already used for a different request' },
        ],
      };
      for (const history of [[accepted], [accepted, succeeded], [accepted, failed]]) {
        given(history).when(accept(fields)).thenThrows(InvalidArgumentError, refusal);
      }
    });
  });

  describe('CompleteRequest', () => {
    it('records the success of an accepted request with its result', () => {
      given([accepted])
        .when(complete)
        .then([{ type: 'RequestSucceeded', data: { result } }]);
    });

    it('records nothing for a request not running: absent, done or failed', () => {
      given([]).when(complete).then([]);
      given([accepted, succeeded]).when(complete).then([]);
      given([accepted, failed]).when(complete).then([]);
    });
  });

  describe('FailRequest', () => {
    it('records the failure of an accepted request with its typed kind', () => {
      given([accepted])
        .when(fail)
        .then([{ type: 'RequestFailed', data: { kind: 'unavailable', message: 'try later' } }]);
    });

    it('records nothing for a request not running: absent, done or already failed', () => {
      given([]).when(fail).then([]);
      given([accepted, succeeded]).when(fail).then([]);
      given([accepted, failed]).when(fail).then([]);
    });

    it('records a failure again for a retry that failed too', () => {
      const retried: RequestEvent = { ...accepted, data: { ...accepted.data, acceptedAt: now } };
      given([accepted, failed, retried])
        .when(fail)
        .then([{ type: 'RequestFailed', data: { kind: 'unavailable', message: 'try later' } }]);
    });
  });
});
