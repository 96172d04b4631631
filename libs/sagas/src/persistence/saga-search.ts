import type { Pool } from 'pg';
import { InvalidSagaRequestError } from '../sagas.errors';
import { filterSql, type SagaFilter } from './saga-filter';
import { instanceColumns, toSummary, type InstanceRow, type SagaSummary } from './saga-index';

/** `newest` and `oldest` by creation, `updated`: the most recently changed first. */
export type SagaSort = 'newest' | 'oldest' | 'updated';

export interface SagaPageQuery {
  readonly filter?: SagaFilter;
  readonly sort?: SagaSort;
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string;
  /** 1 to 500; default 50. */
  readonly limit?: number;
}

export interface SagaPage {
  readonly sagas: readonly SagaSummary[];
  /** Set when more sagas may follow: pass it as `cursor` for the next page. */
  readonly nextCursor: string | undefined;
}

interface Cursor {
  readonly seq: number;
  readonly updatedAt?: string;
}

/** Each sort's ORDER BY, and what comes after a cursor (`seq`, `updatedAt`: its parameters). */
const orderings: Record<
  SagaSort,
  { order: string; after: (seq: string, updatedAt: string) => string }
> = {
  newest: { order: 'created_seq DESC', after: (seq) => `created_seq < ${seq}` },
  oldest: { order: 'created_seq ASC', after: (seq) => `created_seq > ${seq}` },
  updated: {
    order: 'updated_at DESC, created_seq DESC',
    after: (seq, updatedAt) => `(updated_at, created_seq) < (${updatedAt}::timestamptz, ${seq})`,
  },
};

/**
 * The dashboard's reads of the saga index: pages in a stable order, paged by keyset (a cursor
 * holds the sort key of the last row, so a page costs the same at any depth and rows that arrive
 * meanwhile neither repeat nor shift a page), counts for previews and the overview.
 */
export class SagaSearch {
  constructor(private readonly pool: Pool) {}

  async page(query: SagaPageQuery = {}): Promise<SagaPage> {
    const limit = query.limit ?? 50;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 500) {
      throw new RangeError(`limit must be an integer from 1 to 500, got ${limit}`);
    }
    const sort = query.sort ?? 'newest';
    const ordering = orderings[sort];
    const { where, params } = filterSql(query.filter ?? {});
    const clauses = [where];
    if (query.cursor !== undefined) {
      const cursor = decodeCursor(query.cursor, sort);
      params.push(cursor.seq);
      const seq = `$${params.length}`;
      if (cursor.updatedAt !== undefined) params.push(cursor.updatedAt);
      clauses.push(ordering.after(seq, `$${params.length}`));
    }
    params.push(limit + 1);
    const { rows } = await this.pool.query<InstanceRow & { updated_at_text: string }>(
      `SELECT ${instanceColumns}, to_char(updated_at AT TIME ZONE 'UTC',
         'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS updated_at_text
       FROM sagas.instances WHERE ${clauses.join(' AND ')}
       ORDER BY ${ordering.order} LIMIT $${params.length}`,
      params,
    );
    const more = rows.length > limit;
    const shown = more ? rows.slice(0, limit) : rows;
    const last = shown[shown.length - 1];
    return {
      sagas: shown.map(toSummary),
      nextCursor:
        more && last
          ? encodeCursor({
              seq: Number(last.created_seq),
              ...(sort === 'updated' && { updatedAt: last.updated_at_text }),
            })
          : undefined,
    };
  }

  async count(filter: SagaFilter = {}): Promise<number> {
    const { where, params } = filterSql(filter);
    const { rows } = await this.pool.query<{ count: string }>(
      `SELECT count(*)::text AS count FROM sagas.instances WHERE ${where}`,
      params,
    );
    return Number(rows[0]?.count ?? 0);
  }

  /** When the index last changed (a saga requested or moved on): what live views poll. */
  async lastChange(): Promise<string | null> {
    const { rows } = await this.pool.query<{ at: string | null }>(
      `SELECT max(updated_at)::text AS at FROM sagas.instances`,
    );
    return rows[0]?.at ?? null;
  }

  /** Sagas not finished nor parked (waiting, running, compensating) per leaf. */
  async inFlightByLeaf(): Promise<{ leaf: string; count: number }[]> {
    const { rows } = await this.pool.query<{ leaf: string; count: string }>(
      `SELECT coalesce(leaf, '') AS leaf, count(*)::text AS count FROM sagas.instances
       WHERE status IN ('waiting', 'running', 'compensating') GROUP BY 1 ORDER BY 1`,
    );
    return rows.map((row) => ({ leaf: row.leaf, count: Number(row.count) }));
  }
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string, sort: SagaSort): Cursor {
  try {
    const cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<Cursor>;
    const seq = cursor.seq;
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq))
      throw new InvalidSagaRequestError('the saga list cursor is not one this list gave');
    if (sort !== 'updated') return { seq };
    if (typeof cursor.updatedAt !== 'string' || Number.isNaN(Date.parse(cursor.updatedAt))) {
      throw new InvalidSagaRequestError('the saga list cursor is not one this list gave');
    }
    return { seq, updatedAt: cursor.updatedAt };
  } catch {
    throw new InvalidSagaRequestError('the saga list cursor is not one this list gave');
  }
}
