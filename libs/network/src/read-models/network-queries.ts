import {
  MoreThan,
  type DataSource,
  type EntityTarget,
  type FindOptionsWhere,
  type ObjectLiteral,
} from 'typeorm';
import { NotFoundError } from '@loom/errors';
import {
  ExternalResourceRow,
  type ExternalResourceKind,
} from '../external/external-resource.read-model';
import { OperationRow } from '../operations/operation.read-model';
import { PortRow } from '../ports/port.read-model';
import { QosPolicyRow } from '../qos/qos-policy.read-model';
import { SubnetRow } from '../subnets/subnet.read-model';
import { TenantRow } from '../tenants/tenant.read-model';
import { VpcRow } from '../vpcs/vpc.read-model';

export interface Page<Row> {
  readonly rows: Row[];
  /** The last row's name when more rows follow: the cursor of the next page. */
  readonly nextAfter: string | undefined;
}

/** Waits until the named read model holds every event committed before the call. */
export type ReadYourWrites = (projection: string) => Promise<void>;

interface NamedRow extends ObjectLiteral {
  name: string;
}

/**
 * Reads of the resource read models, in name order with keyset paging. Each read first waits
 * for its projection to reach the log's head, so a Get right after a Create sees the resource.
 * A list under a parent that does not exist is NOT_FOUND.
 */
export class NetworkQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  tenant = (name: string) => this.get(TenantRow, 'tenants', name);
  tenants = (size: number, after: string | undefined) =>
    this.list(TenantRow, 'tenants', undefined, size, after);
  vpc = (name: string) => this.get(VpcRow, 'vpcs', name);
  vpcs = (parent: string, size: number, after: string | undefined) =>
    this.listUnder(this.tenant, parent, VpcRow, 'vpcs', size, after);
  subnet = (name: string) => this.get(SubnetRow, 'subnets', name);
  subnets = (parent: string, size: number, after: string | undefined) =>
    this.listUnder(this.vpc, parent, SubnetRow, 'subnets', size, after);
  port = (name: string) => this.get(PortRow, 'ports', name);
  ports = (parent: string, size: number, after: string | undefined) =>
    this.listUnder(this.subnet, parent, PortRow, 'ports', size, after);
  /** A tenant's QoS policies, by name (Get and List read each from its stream). */
  qosPolicies = (parent: string, size: number, after: string | undefined) =>
    this.listUnder(this.tenant, parent, QosPolicyRow, 'qos_policies', size, after);
  operation = (name: string) => this.get(OperationRow, 'operations', name);
  operations = (parent: string, size: number, after: string | undefined) =>
    this.listUnder(this.tenant, parent, OperationRow, 'operations', size, after);

  /** Names of external resources of one kind (under a tenant, or '' for external networks). */
  externalResources = async (
    kind: ExternalResourceKind,
    parent: string,
    size: number,
    after: string | undefined,
  ): Promise<Page<ExternalResourceRow>> => {
    if (parent !== '' && (await this.tenant(parent)) === undefined) {
      throw new NotFoundError(parent);
    }
    await this.readYourWrites('external_resources');
    const rows = await this.dataSource.getRepository(ExternalResourceRow).find({
      where: { kind, parent, ...(after === undefined ? {} : { name: MoreThan(after) }) },
      order: { name: 'ASC' },
      take: size + 1,
    });
    const more = rows.length > size;
    const page = more ? rows.slice(0, size) : rows;
    return { rows: page, nextAfter: more ? page.at(-1)?.name : undefined };
  };

  /**
   * The children of `parent`, which must exist: a list under a parent that does not exist is
   * NOT_FOUND naming the parent (AIP-132), for every caller, not an empty page.
   */
  private async listUnder<Row extends NamedRow>(
    parentRow: (name: string) => Promise<object | undefined>,
    parent: string,
    entity: EntityTarget<Row>,
    projection: string,
    size: number,
    after: string | undefined,
  ): Promise<Page<Row>> {
    if ((await parentRow(parent)) === undefined) throw new NotFoundError(parent);
    return this.list(entity, projection, parent, size, after);
  }

  private async get<Row extends NamedRow>(
    entity: EntityTarget<Row>,
    projection: string,
    name: string,
  ): Promise<Row | undefined> {
    await this.readYourWrites(projection);
    const row = await this.dataSource
      .getRepository(entity)
      .findOneBy({ name } as FindOptionsWhere<Row>);
    return row ?? undefined;
  }

  private async list<Row extends NamedRow>(
    entity: EntityTarget<Row>,
    projection: string,
    parent: string | undefined,
    size: number,
    after: string | undefined,
  ): Promise<Page<Row>> {
    await this.readYourWrites(projection);
    const where = {
      ...(parent === undefined ? {} : { parent }),
      ...(after === undefined ? {} : { name: MoreThan(after) }),
    } as FindOptionsWhere<Row>;
    const rows = await this.dataSource.getRepository(entity).find({
      where,
      order: { name: 'ASC' } as never,
      take: size + 1,
    });
    const more = rows.length > size;
    const page = more ? rows.slice(0, size) : rows;
    return { rows: page, nextAfter: more ? page.at(-1)?.name : undefined };
  }
}
