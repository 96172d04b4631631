import { InvalidArgumentError, quote } from '@loom/errors';
import { resourceIdPattern } from './identifiers';

/** Resource names of the loom.v1 API (AIP-122), parsed into their ids and formatted back. */
export interface TenantName {
  readonly tenant: string;
}
export interface VpcName extends TenantName {
  readonly vpc: string;
}
export interface SubnetName extends VpcName {
  readonly subnet: string;
}
export interface PortName extends SubnetName {
  readonly port: string;
}
export interface OperationName extends TenantName {
  readonly operation: string;
}

/** The longest id (AIP-122: a DNS label). */
const maxIdLength = 63;
const ID_RULE =
  'must be 1-63 lower-case letters, digits or hyphens, start with a letter and not end with a hyphen';

/** `tenants/{tenant}`; a bad name is INVALID_ARGUMENT on `field`. */
export function parseTenantName(name: string, field = 'name'): TenantName {
  const [tenant] = parse(name, field, ['tenants']);
  return { tenant };
}

/** `tenants/{tenant}/vpcs/{vpc}`. */
export function parseVpcName(name: string, field = 'name'): VpcName {
  const [tenant, vpc] = parse(name, field, ['tenants', 'vpcs']);
  return { tenant, vpc };
}

/** `tenants/{tenant}/vpcs/{vpc}/subnets/{subnet}`. */
export function parseSubnetName(name: string, field = 'name'): SubnetName {
  const [tenant, vpc, subnet] = parse(name, field, ['tenants', 'vpcs', 'subnets']);
  return { tenant, vpc, subnet };
}

/** `tenants/{tenant}/vpcs/{vpc}/subnets/{subnet}/ports/{port}`. */
export function parsePortName(name: string, field = 'name'): PortName {
  const [tenant, vpc, subnet, port] = parse(name, field, ['tenants', 'vpcs', 'subnets', 'ports']);
  return { tenant, vpc, subnet, port };
}

/** `tenants/{tenant}/operations/{operation}`. */
export function parseOperationName(name: string, field = 'name'): OperationName {
  const [tenant, operation] = parse(name, field, ['tenants', 'operations']);
  return { tenant, operation };
}

export const formatTenantName = ({ tenant }: TenantName): string => `tenants/${tenant}`;
export const formatVpcName = (name: VpcName): string =>
  `${formatTenantName(name)}/vpcs/${name.vpc}`;
export const formatSubnetName = (name: SubnetName): string =>
  `${formatVpcName(name)}/subnets/${name.subnet}`;
export const formatPortName = (name: PortName): string =>
  `${formatSubnetName(name)}/ports/${name.port}`;
export const formatOperationName = (name: OperationName): string =>
  `${formatTenantName(name)}/operations/${name.operation}`;

/** A client-chosen id (`tenant_id`, `vpc_id`...): returned when valid, else INVALID_ARGUMENT on `field`. */
export function requireResourceId(id: string, field: string): string {
  if (!resourceIdPattern.test(id))
    throw new InvalidArgumentError([{ field, description: ID_RULE }]);
  return id;
}

const resourceTypes: Readonly<Record<string, string>> = {
  tenants: 'loom.v1.Tenant',
  vpcs: 'loom.v1.Vpc',
  subnets: 'loom.v1.Subnet',
  ports: 'loom.v1.Port',
  operations: 'loom.v1.Operation',
};

/** The message type a resource name denotes (`loom.v1.Vpc` for `tenants/a/vpcs/b`), for error details. */
export function resourceTypeOf(name: string): string | undefined {
  const segments = name.split('/');
  if (segments.length < 2 || segments.length % 2 !== 0) return undefined;
  return resourceTypes[segments[segments.length - 2] ?? ''];
}

type Ids<C extends readonly string[]> = { readonly [K in keyof C]: string };

function parse<const C extends readonly string[]>(
  name: string,
  field: string,
  collections: C,
): Ids<C> {
  const pattern = collections
    .map((collection) => `${collection}/{${singular(collection)}}`)
    .join('/');
  // Checked first: a name longer than any valid one is refused without being read further.
  const longest = collections.reduce(
    (length, collection) => length + collection.length + maxIdLength + 2,
    -1,
  );
  if (name.length > longest) {
    throw new InvalidArgumentError([
      {
        field,
        description: `must be a resource name like ${pattern}, at most ${longest} characters (this one has ${name.length})`,
      },
    ]);
  }
  const segments = name.split('/');
  const wellFormed =
    segments.length === collections.length * 2 &&
    collections.every((collection, index) => segments[index * 2] === collection);
  if (!wellFormed) {
    throw new InvalidArgumentError([
      { field, description: `must be a resource name like ${pattern}` },
    ]);
  }
  const ids = collections.map((_, index) => segments[index * 2 + 1] ?? '');
  const violations = ids.flatMap((id, index) =>
    resourceIdPattern.test(id)
      ? []
      : [
          {
            field,
            description: `${singular(collections[index] ?? '')} id ${quote(id)} ${ID_RULE}`,
          },
        ],
  );
  if (violations.length > 0) throw new InvalidArgumentError(violations);
  return ids as unknown as Ids<C>;
}

function singular(collection: string): string {
  return collection.endsWith('s') ? collection.slice(0, -1) : collection;
}
