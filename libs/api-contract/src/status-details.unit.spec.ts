import { loadLoomPackageDefinition } from './proto-loading';
import {
  decodeStatusDetails,
  encodeStatusDetails,
  toRpcStatus,
  unpackRpcStatus,
  type StatusDetails,
} from './status-details';

const details: StatusDetails = {
  badRequest: { fieldViolations: [{ field: 'vpc_id', description: 'bad', reason: '' }] },
  errorInfo: { reason: 'ETAG_MISMATCH', domain: 'loom', metadata: { resource: 'tenants/a' } },
};

describe('google.rpc.Status details', () => {
  it('round-trip through grpc-status-details-bin bytes', () => {
    expect(decodeStatusDetails(encodeStatusDetails(3, 'bad request', details))).toEqual({
      code: 3,
      message: 'bad request',
      unknownDetails: [],
      ...details,
    });
  });

  it('round-trip as a Status message field (Operation.error) through proto-loader', () => {
    const definition = loadLoomPackageDefinition()['loom.v1.OperationService'];
    if (!definition || 'format' in definition) throw new Error('no OperationService');
    const get = definition['GetOperation']!;
    const operation = get.responseDeserialize(
      get.responseSerialize({
        name: 'tenants/a/operations/o',
        error: toRpcStatus(9, 'failed', details),
      }),
    ) as { error: Parameters<typeof unpackRpcStatus>[0] };
    expect(unpackRpcStatus(operation.error)).toEqual({
      code: 9,
      message: 'failed',
      unknownDetails: [],
      ...details,
    });
  });
});
