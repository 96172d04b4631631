import { toRpcStatus, type Operation } from '@loom/api-contract';
import { jsonView, rfc3339 } from './json-view';

describe('-o json', () => {
  it('prints Timestamps as RFC 3339, as long as their precision needs', () => {
    expect(rfc3339({ seconds: '1767225600', nanos: 0 })).toBe('2026-01-01T00:00:00Z');
    expect(rfc3339({ seconds: '1767225600', nanos: 120_000_000 })).toBe('2026-01-01T00:00:00.12Z');
    expect(rfc3339({ seconds: '1767225600', nanos: 1_000 })).toBe('2026-01-01T00:00:00.000001Z');
  });

  it("unpacks a failed operation's google.rpc details", () => {
    const operation: Operation = {
      name: 'tenants/acme/operations/op-1',
      target: 'tenants/acme/vpcs/blue/subnets/web/ports/vm1',
      verb: 'create',
      done: true,
      error: toRpcStatus(9, 'leaf1 refused the binding', {
        preconditionFailure: {
          violations: [{ type: 'FABRIC', subject: 'leaf1', description: 'swp1 is in use' }],
        },
      }),
      createTime: { seconds: '1767225600', nanos: 0 },
      endTime: null,
    };
    expect(jsonView(operation)).toEqual({
      ...operation,
      error: {
        code: 9,
        message: 'leaf1 refused the binding',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.PreconditionFailure',
            violations: [{ type: 'FABRIC', subject: 'leaf1', description: 'swp1 is in use' }],
          },
        ],
      },
      createTime: '2026-01-01T00:00:00Z',
    });
  });

  it('leaves everything else as the engine sent it', () => {
    expect(
      jsonView({ vpcs: [{ l3Vni: 50000, cidrBlocks: ['10.0.0.0/16'] }], nextPageToken: '' }),
    ).toEqual({
      vpcs: [{ l3Vni: 50000, cidrBlocks: ['10.0.0.0/16'] }],
      nextPageToken: '',
    });
  });
});
