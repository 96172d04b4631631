import { errorKinds } from '@loom/errors';
import { networkEventCatalog } from './network-event-catalog';

const target = 'tenants/acme/vpcs/prod';

describe('network event catalog: failure events', () => {
  it('writes OperationFailed and RequestFailed at schema version 2', () => {
    expect(networkEventCatalog.versionOf('OperationFailed')).toBe(2);
    expect(networkEventCatalog.versionOf('RequestFailed')).toBe(2);
  });

  it.each(errorKinds)('upcasts a version 1 OperationFailed with code %s to that kind', (kind) => {
    expect(
      networkEventCatalog.upcast('OperationFailed', 1, { target, code: kind, message: 'no' }),
    ).toEqual({ type: 'OperationFailed', data: { target, kind, message: 'no' } });
  });

  it.each(errorKinds)('upcasts a version 1 RequestFailed with code %s to that kind', (kind) => {
    expect(networkEventCatalog.upcast('RequestFailed', 1, { code: kind, message: 'no' })).toEqual({
      type: 'RequestFailed',
      data: { kind, message: 'no' },
    });
  });

  it.each([['UNAVAILABLE'], ['capacity'], [''], [14], [undefined]])(
    'upcasts a stored code that is no error kind (%p) to internal',
    (code) => {
      expect(
        networkEventCatalog.upcast('OperationFailed', 1, { target, code, message: 'no' }),
      ).toEqual({ type: 'OperationFailed', data: { target, kind: 'internal', message: 'no' } });
      expect(networkEventCatalog.upcast('RequestFailed', 1, { code, message: 'no' })).toEqual({
        type: 'RequestFailed',
        data: { kind: 'internal', message: 'no' },
      });
    },
  );

  it('leaves a version 2 event as it is', () => {
    const data = { target, kind: 'resource-exhausted', message: 'leaf1 is full' };
    expect(networkEventCatalog.upcast('OperationFailed', 2, data)).toEqual({
      type: 'OperationFailed',
      data,
    });
  });
});
