import type { ArgumentsHost } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { status } from '@grpc/grpc-js';
import { firstValueFrom } from 'rxjs';
import {
  AppendTooLargeError,
  EmptyAppendError,
  EventIdConflictError,
  EventTooLargeError,
  InvalidEventError,
  InvalidExpectedRevisionError,
  InvalidReadOptionsError,
  InvalidStreamNameError,
  WrongExpectedRevisionError,
} from '@loom/event-store';
import type { Logger } from '@loom/logging';
import {
  AbortedError,
  AlreadyExistsError,
  FailedPreconditionError,
  InvalidArgumentError,
  LoomError,
  NotFoundError,
  PermissionDeniedError,
  ResourceExhaustedError,
  UnauthenticatedError,
  UnavailableError,
} from '@loom/errors';
import { decodeGrpcError, type DecodedGrpcError } from '../../../../../test/support/grpc-errors';
import { GrpcExceptionFilter } from './grpc-exception.filter';

const host = {
  getType: () => 'rpc',
  getArgByIndex: (index: number) =>
    [{ name: 'tenants/acme' }, undefined, { getPath: () => '/loom.v1.TenantService/GetTenant' }][
      index
    ],
} as unknown as ArgumentsHost;

function setup(): { filter: GrpcExceptionFilter; logged: jest.Mock } {
  const logged = jest.fn();
  const logger = { error: logged } as unknown as Logger;
  return { filter: new GrpcExceptionFilter(logger), logged };
}

/** What a client gets for `exception`, decoded from the error the filter hands grpc-js. */
async function answerFor(exception: unknown, filter = setup().filter): Promise<DecodedGrpcError> {
  const response = await firstValueFrom(filter.catch(exception, host)).then(
    () => {
      throw new Error('the filter must answer with an error');
    },
    (error: unknown) => error,
  );
  return decodeGrpcError(response);
}

describe('GrpcExceptionFilter: LoomError kinds', () => {
  const kinds: [LoomError['kind'], LoomError, Partial<DecodedGrpcError>][] = [
    [
      'invalid-argument',
      new InvalidArgumentError([
        { field: 'vpc.cidr_blocks[1]', description: 'is not an IPv4 block' },
        { field: 'vpc_id', description: 'must be lower-case' },
      ]),
      {
        code: status.INVALID_ARGUMENT,
        message: 'vpc.cidr_blocks[1]: is not an IPv4 block; vpc_id: must be lower-case',
        badRequest: {
          fieldViolations: [
            { field: 'vpc.cidr_blocks[1]', description: 'is not an IPv4 block', reason: '' },
            { field: 'vpc_id', description: 'must be lower-case', reason: '' },
          ],
        },
      },
    ],
    [
      'not-found',
      new NotFoundError('tenants/acme/vpcs/blue'),
      {
        code: status.NOT_FOUND,
        message: 'tenants/acme/vpcs/blue not found',
        resourceInfo: {
          resourceType: 'loom.v1.Vpc',
          resourceName: 'tenants/acme/vpcs/blue',
          owner: '',
          description: 'tenants/acme/vpcs/blue not found',
        },
      },
    ],
    [
      'already-exists',
      new AlreadyExistsError('tenants/acme'),
      {
        code: status.ALREADY_EXISTS,
        resourceInfo: {
          resourceType: 'loom.v1.Tenant',
          resourceName: 'tenants/acme',
          owner: '',
          description: 'tenants/acme already exists',
        },
      },
    ],
    [
      'failed-precondition',
      new FailedPreconditionError(
        'tenants/acme/vpcs/blue',
        'HAS_SUBNETS',
        'delete its subnets first',
      ),
      {
        code: status.FAILED_PRECONDITION,
        message: 'tenants/acme/vpcs/blue: delete its subnets first',
        preconditionFailure: {
          violations: [
            {
              type: 'HAS_SUBNETS',
              subject: 'tenants/acme/vpcs/blue',
              description: 'delete its subnets first',
            },
          ],
        },
      },
    ],
    [
      'aborted',
      new AbortedError('ETAG_MISMATCH', 'tenants/acme', 'tenants/acme has changed'),
      {
        code: status.ABORTED,
        message: 'tenants/acme has changed',
        errorInfo: {
          reason: 'ETAG_MISMATCH',
          domain: 'loom',
          metadata: { resource: 'tenants/acme' },
        },
      },
    ],
    [
      'resource-exhausted',
      new ResourceExhaustedError('tenants/acme', 'the quota of 5 VPCs is used up'),
      {
        code: status.RESOURCE_EXHAUSTED,
        quotaFailure: {
          violations: [{ subject: 'tenants/acme', description: 'the quota of 5 VPCs is used up' }],
        },
      },
    ],
    [
      'permission-denied',
      new PermissionDeniedError('role auditor may not change tenants/acme'),
      { code: status.PERMISSION_DENIED, message: 'role auditor may not change tenants/acme' },
    ],
    [
      'unauthenticated',
      new UnauthenticatedError('the access token has expired'),
      { code: status.UNAUTHENTICATED, message: 'the access token has expired' },
    ],
    [
      'unavailable',
      new UnavailableError('the database cannot be reached'),
      { code: status.UNAVAILABLE, message: 'the database cannot be reached' },
    ],
  ];

  it.each(kinds)('%s', async (_kind, error, expected) => {
    expect(await answerFor(error)).toMatchObject(expected);
  });

  it('covers every kind', () => {
    const every: Record<LoomError['kind'], true> = {
      'invalid-argument': true,
      'not-found': true,
      'already-exists': true,
      'failed-precondition': true,
      aborted: true,
      'resource-exhausted': true,
      'permission-denied': true,
      unauthenticated: true,
      unavailable: true,
    };
    expect(kinds.map(([kind]) => kind).sort()).toEqual(Object.keys(every).sort());
    for (const [kind, error] of kinds) expect(error.kind).toBe(kind);
  });

  it('sends only the details of its kind', async () => {
    const answer = await answerFor(new NotFoundError('tenants/acme'));
    expect(Object.keys(answer).sort()).toEqual(['code', 'codeName', 'message', 'resourceInfo']);
  });

  it('maps a LoomError by its kind even without the subclass it usually comes with', async () => {
    class Conflict extends LoomError {
      readonly kind = 'failed-precondition';
    }
    expect(await answerFor(new Conflict('the VRF is still in use'))).toEqual({
      code: status.FAILED_PRECONDITION,
      codeName: 'FAILED_PRECONDITION',
      message: 'the VRF is still in use',
    });
  });
});

describe('GrpcExceptionFilter: event store errors', () => {
  it('answers a lost race as ABORTED without naming internal streams', async () => {
    const answer = await answerFor(new WrongExpectedRevisionError('tenant-acme', '3', 4));
    expect(answer).toMatchObject({
      code: status.ABORTED,
      errorInfo: { reason: 'CONCURRENT_CHANGE', domain: 'loom' },
    });
    expect(answer.message).not.toContain('tenant-acme');
  });

  it('answers a reused request id as INVALID_ARGUMENT on request_id', async () => {
    expect(await answerFor(new EventIdConflictError('tenant-acme', ['id-1']))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      badRequest: { fieldViolations: [expect.objectContaining({ field: 'request_id' })] },
    });
  });

  it.each([
    new InvalidStreamNameError('', 'is empty'),
    new InvalidExpectedRevisionError(-1),
    new InvalidEventError(0, 'type', 'is empty'),
    new EventTooLargeError(0, 2_000_000, 1_048_576),
    new AppendTooLargeError(5000, 1000),
    new EmptyAppendError('tenant-acme'),
    new InvalidReadOptionsError('maxCount must be positive'),
  ])('answers bad input ($name) as INVALID_ARGUMENT', async (error) => {
    expect(await answerFor(error)).toMatchObject({
      code: status.INVALID_ARGUMENT,
      message: error.message,
    });
  });
});

describe('GrpcExceptionFilter: everything else', () => {
  it('passes on an RpcException that carries a gRPC status', async () => {
    expect(
      await answerFor(new RpcException({ code: status.UNAVAILABLE, message: 'try later' })),
    ).toMatchObject({ code: status.UNAVAILABLE, message: 'try later' });
  });

  it('answers INTERNAL for an RpcException whose code is no error kind of Loom', async () => {
    const { filter, logged } = setup();
    const exception = new RpcException({ code: status.UNIMPLEMENTED, message: 'not yet' });
    expect(await answerFor(exception, filter)).toEqual({
      code: status.INTERNAL,
      codeName: 'INTERNAL',
      message: 'internal error',
    });
    expect(logged).toHaveBeenCalledTimes(1);
  });

  it('answers UNAVAILABLE for a lost database connection, without logging it as a bug', async () => {
    const { filter, logged } = setup();
    const shutdown = Object.assign(
      new Error('terminating connection due to administrator command'),
      { code: '57P01' },
    );
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
    for (const exception of [shutdown, refused, new Error('Connection terminated unexpectedly')]) {
      expect(await answerFor(exception, filter)).toEqual({
        code: status.UNAVAILABLE,
        codeName: 'UNAVAILABLE',
        message: 'the database cannot be reached: retry later',
      });
    }
    expect(logged).not.toHaveBeenCalled();
  });

  it('answers INTERNAL with a generic message and logs the error with its stack', async () => {
    const { filter, logged } = setup();
    const bug = new Error('connection to 10.0.0.5:5432 refused');
    for (const exception of [bug, new RpcException('odd'), 'a string']) {
      const answer = await answerFor(exception, filter);
      expect(answer).toEqual({
        code: status.INTERNAL,
        codeName: 'INTERNAL',
        message: 'internal error',
      });
    }
    expect(logged).toHaveBeenCalledWith(
      { err: bug, method: '/loom.v1.TenantService/GetTenant' },
      'gRPC call failed unexpectedly',
    );
    expect(logged).toHaveBeenCalledTimes(3);
  });
});
