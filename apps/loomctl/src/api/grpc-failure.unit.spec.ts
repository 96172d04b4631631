import { Metadata } from '@grpc/grpc-js';
import { encodeStatusDetails, STATUS_DETAILS_KEY } from '@loom/api-contract';
import { CliError } from '../cli/cli-error';
import { failureOfCall } from './grpc-failure';

/** A grpc-js ServiceError as a refused call produces it. */
function serviceError(code: number, details: string, bytes?: Buffer): Error {
  const metadata = new Metadata();
  if (bytes) metadata.set(STATUS_DETAILS_KEY, bytes);
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata });
}

describe('a refused call, as loomctl reports it', () => {
  it('names the status, lists each bad field once, and exits 10 + the code', () => {
    const bytes = encodeStatusDetails(3, 'bad request', {
      badRequest: {
        fieldViolations: [
          { field: 'vpc_id', description: 'must be lower-case', reason: '' },
          { field: 'vpc.cidr_blocks[0]', description: 'must be an IPv4 CIDR block', reason: '' },
        ],
      },
    });
    const failure = failureOfCall(
      serviceError(3, 'vpc_id: must be lower-case', bytes),
      'localhost:50051',
    );
    expect(failure.exitCode).toBe(13);
    expect(failure.message.split('\n')).toEqual([
      'INVALID_ARGUMENT: vpc_id: must be lower-case',
      '  vpc.cidr_blocks[0]: must be an IPv4 CIDR block',
    ]);
  });

  it('says where it looked for an engine that does not answer', () => {
    const failure = failureOfCall(serviceError(14, 'No connection established'), 'engine:50051');
    expect(failure.exitCode).toBe(24);
    expect(failure.message).toContain('is the engine running at engine:50051?');
  });

  it('keeps its own failures, and counts anything else as exit 1', () => {
    const own = CliError.usage('bad flag');
    expect(failureOfCall(own, 'x')).toBe(own);
    expect(failureOfCall(new Error('disk full'), 'x')).toMatchObject({
      exitCode: 1,
      message: 'disk full',
    });
  });
});
