import { RecordedLog } from '../testing/recorded-log';
import type { OperationEvent } from './operation.events';
import { foldOperationEvents } from './operation.row-changes';

const name = 'tenants/acme/operations/op-1';
const target = 'tenants/acme/vpcs/prod';

describe('operation row changes', () => {
  let log: RecordedLog;
  const operation = (event: OperationEvent, at: string) =>
    log.record('operation-acme/op-1', event, at);
  beforeEach(() => {
    log = new RecordedLog();
  });

  it('inserts an operation started and finished in one batch as done', () => {
    const writes = foldOperationEvents([
      operation(
        {
          type: 'OperationStarted',
          data: { tenantId: 'acme', operationId: 'op-1', target, verb: 'create' },
        },
        '2026-01-01T00:00:00.000Z',
      ),
      operation({ type: 'OperationSucceeded', data: { target } }, '2026-01-01T00:00:00.250Z'),
    ]);
    expect(writes).toEqual({
      deletes: [],
      upserts: [
        {
          name,
          tenantId: 'acme',
          parent: 'tenants/acme',
          target,
          verb: 'create',
          done: true,
          errorKind: null,
          errorMessage: null,
          createTime: new Date('2026-01-01T00:00:00.000Z'),
          endTime: new Date('2026-01-01T00:00:00.250Z'),
        },
      ],
      patches: [],
    });
  });

  it('patches the end of an operation started in an earlier batch, with its error', () => {
    const failed = { target, kind: 'resource-exhausted', message: 'no L3 VNI left' } as const;
    const writes = foldOperationEvents([
      operation({ type: 'OperationFailed', data: failed }, '2026-01-01T00:00:01.000Z'),
    ]);
    expect(writes.patches).toEqual([
      {
        name,
        patch: {
          done: true,
          errorKind: 'resource-exhausted',
          errorMessage: 'no L3 VNI left',
          endTime: new Date('2026-01-01T00:00:01.000Z'),
        },
      },
    ]);
    expect(writes.upserts).toEqual([]);
  });
});
