import { InvalidArgumentError } from '@loom/errors';
import {
  formatOperationName,
  formatPortName,
  formatSubnetName,
  formatTenantName,
  formatVpcName,
  parseOperationName,
  parsePortName,
  parseSubnetName,
  parseTenantName,
  parseVpcName,
  requireResourceId,
  resourceTypeOf,
} from './resource-names';

function violations(parse: () => unknown): { field: string; description: string }[] {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return [...(error as InvalidArgumentError).violations];
  }
  throw new Error('expected INVALID_ARGUMENT');
}

describe('resource names', () => {
  it('parse and format back, for every kind', () => {
    const port = { tenant: 'acme', vpc: 'blue', subnet: 'web-1', port: 'vm7' };
    expect(parseTenantName('tenants/acme')).toEqual({ tenant: 'acme' });
    expect(parseVpcName('tenants/acme/vpcs/blue')).toEqual({ tenant: 'acme', vpc: 'blue' });
    expect(parseSubnetName('tenants/acme/vpcs/blue/subnets/web-1')).toEqual({
      tenant: 'acme',
      vpc: 'blue',
      subnet: 'web-1',
    });
    expect(parsePortName('tenants/acme/vpcs/blue/subnets/web-1/ports/vm7')).toEqual(port);
    expect(parseOperationName('tenants/acme/operations/op-1')).toEqual({
      tenant: 'acme',
      operation: 'op-1',
    });
    expect(formatTenantName(port)).toBe('tenants/acme');
    expect(formatVpcName(port)).toBe('tenants/acme/vpcs/blue');
    expect(formatSubnetName(port)).toBe('tenants/acme/vpcs/blue/subnets/web-1');
    expect(formatPortName(port)).toBe('tenants/acme/vpcs/blue/subnets/web-1/ports/vm7');
    expect(formatOperationName({ tenant: 'acme', operation: 'op-1' })).toBe(
      'tenants/acme/operations/op-1',
    );
  });

  it.each([
    '',
    'acme',
    'tenants',
    'tenants/acme/',
    'tenants/acme/vpcs/blue',
    'projects/acme',
    '/tenants/acme',
  ])('refuse %j as a tenant name, naming the field', (name) => {
    expect(violations(() => parseTenantName(name, 'parent'))).toEqual([
      { field: 'parent', description: expect.stringContaining('tenants/{tenant}') as unknown },
    ]);
  });

  it('refuse ids that are not lower-case DNS labels, each one named', () => {
    expect(violations(() => parseVpcName('tenants/Acme/vpcs/-blue'))).toEqual([
      { field: 'name', description: expect.stringMatching(/^tenant id "Acme" must be/) as unknown },
      { field: 'name', description: expect.stringMatching(/^vpc id "-blue" must be/) as unknown },
    ]);
    expect(
      violations(() => parseSubnetName('tenants/acme/vpcs/blue/subnets/a'.padEnd(99, 'x'))),
    ).toHaveLength(1);
    expect(violations(() => parseOperationName('tenants/acme/operations/'))).toHaveLength(1);
  });

  it('refuse a name longer than any valid one at once, without quoting it', () => {
    const longest = `tenants/${'a'.repeat(63)}/vpcs/${'b'.repeat(63)}`;
    expect(parseVpcName(longest)).toEqual({ tenant: 'a'.repeat(63), vpc: 'b'.repeat(63) });
    const name = `tenants/${'x'.repeat(40_000)}`;
    expect(violations(() => parseTenantName(name, 'parent'))).toEqual([
      {
        field: 'parent',
        description:
          'must be a resource name like tenants/{tenant}, at most 71 characters (this one has 40008)',
      },
    ]);
    expect(violations(() => parseVpcName(`${longest}x`))).toEqual([
      { field: 'name', description: expect.stringContaining('at most 140 characters') as unknown },
    ]);
  });

  it('quote a long bad id cut short', () => {
    const [violation] = violations(() =>
      parsePortName(`tenants/acme/vpcs/blue/subnets/web/ports/${'X'.repeat(100)}`),
    );
    expect(violation?.description).toMatch(
      new RegExp(`^port id "${'X'.repeat(64)}…" \\(100 characters\\) must be`),
    );
  });

  it('check client-chosen ids', () => {
    expect(requireResourceId('blue-2', 'vpc_id')).toBe('blue-2');
    expect(requireResourceId('a'.repeat(63), 'vpc_id')).toHaveLength(63);
    for (const bad of ['', '2blue', 'blue-', 'Blue', 'a'.repeat(64), 'blue_2']) {
      expect(violations(() => requireResourceId(bad, 'vpc_id'))).toEqual([
        { field: 'vpc_id', description: expect.any(String) as unknown },
      ]);
    }
  });

  it('tell the message type a name denotes', () => {
    expect(resourceTypeOf('tenants/acme')).toBe('loom.v1.Tenant');
    expect(resourceTypeOf('tenants/acme/vpcs/blue/subnets/web/ports/p')).toBe('loom.v1.Port');
    expect(resourceTypeOf('tenants/acme/operations/op')).toBe('loom.v1.Operation');
    expect(resourceTypeOf('tenants')).toBeUndefined();
    expect(resourceTypeOf('widgets/w')).toBeUndefined();
  });
});
