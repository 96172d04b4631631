import { CliError } from './cli-error';
import { EXIT } from './exit-codes';
import { namePattern, parseResourceName } from './resource-names';

describe('resource names on the command line', () => {
  it('splits a name into its parent and id', () => {
    expect(parseResourceName('tenants/acme', ['tenants'])).toEqual({
      name: 'tenants/acme',
      parent: '',
      id: 'acme',
    });
    expect(
      parseResourceName('tenants/acme/vpcs/blue/subnets/web/ports/vm1', [
        'tenants',
        'vpcs',
        'subnets',
        'ports',
      ]),
    ).toEqual({
      name: 'tenants/acme/vpcs/blue/subnets/web/ports/vm1',
      parent: 'tenants/acme/vpcs/blue/subnets/web',
      id: 'vm1',
    });
  });

  it('refuses a name of another shape as a usage error that shows the pattern', () => {
    const attempt = (name: string) => () => parseResourceName(name, ['tenants', 'vpcs']);
    for (const bad of [
      'blue',
      'tenants/acme',
      'tenants/acme/subnets/blue',
      'tenants//vpcs/blue',
      'tenants/acme/vpcs/blue/',
    ]) {
      expect(attempt(bad)).toThrow(CliError);
      expect(attempt(bad)).toThrow('expected a name like tenants/{tenant}/vpcs/{vpc}');
    }
    expect(thrownBy(attempt('blue'))).toMatchObject({ exitCode: EXIT.usage });
  });

  it('leaves the ids themselves to the engine', () => {
    expect(parseResourceName('tenants/Not_Valid', ['tenants']).id).toBe('Not_Valid');
  });

  it('writes patterns as the API documents them', () => {
    expect(namePattern(['tenants', 'operations'])).toBe('tenants/{tenant}/operations/{operation}');
  });
});

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected it to throw');
}
