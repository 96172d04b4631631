import type { SagaStatus } from './saga-status';

/** Which sagas a list, a count or a batch action is about; every field narrows it. */
export interface SagaFilter {
  readonly statuses?: readonly SagaStatus[];
  /** Saga types (kinds). */
  readonly types?: readonly string[];
  readonly leaf?: string;
  readonly tenant?: string;
  /** A resource name, or the start of one: `tenants/acme/vpcs/blue` finds the sagas of its ports. */
  readonly resource?: string;
  readonly resourceKey?: string;
  /** Created at or after. */
  readonly createdFrom?: Date;
  /** Created before. */
  readonly createdTo?: Date;
  /** Saga ids (a batch action over a selection). */
  readonly sagaIds?: readonly string[];
}

/** The filter as a WHERE clause over `sagas.instances`, its parameters numbered from `first`. */
export function filterSql(filter: SagaFilter, first = 1): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${first + params.length - 1}`;
  };
  if (filter.statuses?.length) clauses.push(`status = ANY(${param(filter.statuses)}::text[])`);
  if (filter.types?.length) clauses.push(`type = ANY(${param(filter.types)}::text[])`);
  if (filter.leaf) clauses.push(`leaf = ${param(filter.leaf)}`);
  if (filter.tenant) clauses.push(`tenant = ${param(filter.tenant)}`);
  if (filter.resource) {
    // text_pattern_ops serves LIKE 'prefix%'; the pattern's own wildcards are escaped.
    clauses.push(`resource LIKE ${param(`${filter.resource.replace(/[\\%_]/g, '\\$&')}%`)}`);
  }
  if (filter.resourceKey) clauses.push(`resource_key = ${param(filter.resourceKey)}`);
  if (filter.createdFrom) clauses.push(`created_at >= ${param(filter.createdFrom)}`);
  if (filter.createdTo) clauses.push(`created_at < ${param(filter.createdTo)}`);
  if (filter.sagaIds) clauses.push(`saga_id = ANY(${param(filter.sagaIds)}::text[])`);
  return { where: clauses.length ? clauses.join(' AND ') : 'TRUE', params };
}
