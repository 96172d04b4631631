import { HttpException, HttpStatus } from '@nestjs/common';
import { sagaStatuses, type SagaFilter, type SagaPageQuery, type SagaStatus } from '@loom/sagas';

type Query = Record<string, unknown>;

const text = (query: Query, name: string): string | undefined => {
  const value = query[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
};

const list = (query: Query, name: string): string[] | undefined =>
  text(query, name)
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);

function date(query: Query, name: string): Date | undefined {
  const value = text(query, name);
  if (value === undefined) return undefined;
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) {
    throw new HttpException(`${name} must be a date and time`, HttpStatus.BAD_REQUEST);
  }
  return parsed;
}

/** A saga filter from query parameters (`state`, `kind`, `leaf`, `tenant`, `resource`, `from`, `to`) or a JSON body alike. */
export function sagaFilterOf(query: Query): SagaFilter {
  const states = list(query, 'state');
  const unknown = states?.filter((state) => !(sagaStatuses as readonly string[]).includes(state));
  if (unknown?.length) {
    throw new HttpException(`unknown state ${unknown.join(', ')}`, HttpStatus.BAD_REQUEST);
  }
  const filter: {
    -readonly [K in keyof SagaFilter]: SagaFilter[K];
  } = {};
  if (states?.length) filter.statuses = states as SagaStatus[];
  const kinds = list(query, 'kind');
  if (kinds?.length) filter.types = kinds;
  const leaf = text(query, 'leaf');
  if (leaf) filter.leaf = leaf;
  const tenant = text(query, 'tenant');
  if (tenant) filter.tenant = tenant;
  const resource = text(query, 'resource');
  if (resource) filter.resource = resource;
  const from = date(query, 'from');
  if (from) filter.createdFrom = from;
  const to = date(query, 'to');
  if (to) filter.createdTo = to;
  return filter;
}

export function sagaPageQueryOf(query: Query): SagaPageQuery {
  const sort = text(query, 'sort') ?? 'newest';
  if (sort !== 'newest' && sort !== 'oldest' && sort !== 'updated') {
    throw new HttpException('sort must be newest, oldest or updated', HttpStatus.BAD_REQUEST);
  }
  const limit = Number(text(query, 'limit') ?? 50);
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 500) {
    throw new HttpException('limit must be from 1 to 500', HttpStatus.BAD_REQUEST);
  }
  const cursor = text(query, 'cursor');
  return { filter: sagaFilterOf(query), sort, limit, ...(cursor !== undefined && { cursor }) };
}
