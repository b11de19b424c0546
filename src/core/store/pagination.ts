import { StoreError } from '../domain/errors';
import type { ListQuery } from '../domain/pagination';

export type { ListQuery, Page } from '../domain/pagination';

/** Validates a query and fills the defaults. */
export function normaliseQuery(query: ListQuery): { limit: number; order: 'asc' | 'desc'; after?: string; before?: string } {
  const limit = query.limit ?? 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new StoreError('invalid_cursor', `limit must be a whole number from 1 to 100, not ${String(query.limit)}.`);
  }
  const order = query.order ?? 'desc';
  if (order !== 'asc' && order !== 'desc') throw new StoreError('invalid_cursor', `order must be 'asc' or 'desc', not ${String(order)}.`);
  return { limit, order, after: query.after, before: query.before };
}

/**
 * Which ordinals (0 = oldest) a page covers, in the order to return them. Positions count along `order`;
 * `after` starts the page just past the cursor; `before` alone ends it just short of the cursor (the page nearest
 * to it); with both, the page starts after `after` and stops before `before`. `has_more` says whether items
 * remain beyond the page in the direction of travel.
 */
export function pageOrdinals(
  count: number,
  query: { limit: number; order: 'asc' | 'desc' },
  afterOrdinal: number | undefined,
  beforeOrdinal: number | undefined,
): { ordinals: number[]; hasMore: boolean } {
  const position = (ordinal: number): number => (query.order === 'asc' ? ordinal : count - 1 - ordinal);
  const start = afterOrdinal !== undefined ? position(afterOrdinal) + 1 : 0;
  const end = beforeOrdinal !== undefined ? position(beforeOrdinal) : count;
  let from: number;
  let to: number;
  let hasMore: boolean;
  if (end <= start) return { ordinals: [], hasMore: false };
  if (beforeOrdinal !== undefined && afterOrdinal === undefined) {
    from = Math.max(start, end - query.limit);
    to = end;
    hasMore = from > start;
  } else {
    from = start;
    to = Math.min(end, start + query.limit);
    hasMore = to < end;
  }
  const ordinals: number[] = [];
  for (let p = from; p < to; p++) ordinals.push(query.order === 'asc' ? p : count - 1 - p);
  return { ordinals, hasMore };
}
