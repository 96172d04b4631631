import { CliError } from './cli-error';

/** The collections of loom.v1 resource names, outermost first. */
export type Collection =
  'tenants' | 'vpcs' | 'subnets' | 'ports' | 'operations' | 'externalNetworks';

const singular: Record<Collection, string> = {
  tenants: 'tenant',
  vpcs: 'vpc',
  subnets: 'subnet',
  ports: 'port',
  operations: 'operation',
  externalNetworks: 'external_network',
};

export interface ResourceName {
  /** The whole name, e.g. `tenants/acme/vpcs/blue`. */
  readonly name: string;
  /** The name of its parent (`tenants/acme`); empty for a tenant. */
  readonly parent: string;
  /** The last id (`blue`). */
  readonly id: string;
}

/** The pattern of names in `path`, as the API documents it: `tenants/{tenant}/vpcs/{vpc}`. */
export function namePattern(path: readonly Collection[]): string {
  return path.map((collection) => `${collection}/{${singular[collection]}}`).join('/');
}

/**
 * Splits a resource name given on the command line into parent and id, checking only its shape
 * (collections in the right places, no empty id): the engine checks the ids themselves and answers
 * INVALID_ARGUMENT with the rule, so loomctl does not keep a second copy of it.
 */
export function parseResourceName(name: string, path: readonly Collection[]): ResourceName {
  const segments = name.split('/');
  const shaped =
    path.length > 0 &&
    segments.length === path.length * 2 &&
    path.every((collection, index) => segments[index * 2] === collection) &&
    segments.every((segment) => segment.length > 0);
  if (!shaped) {
    throw CliError.usage(
      `expected a name like ${namePattern(path)}, got ${JSON.stringify(name.slice(0, 200))}`,
    );
  }
  return {
    name,
    parent: segments.slice(0, -2).join('/'),
    id: segments[segments.length - 1] ?? '',
  };
}
