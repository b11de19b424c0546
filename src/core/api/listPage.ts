// Assistants-style pages over lists that are already in memory (assistants, runs, run steps), with the same
// cursor rules the thread store applies to messages.

import { StoreError } from '../domain/errors';
import { type ListQuery, normaliseQuery, type Page, pageOrdinals } from '../store/pagination';

/** One page of `items` (oldest first) for `query`; an unknown cursor is a 400. */
export function pageOf<T extends { id: string }>(items: readonly T[], query: ListQuery): Page<T> {
  const normal = normaliseQuery(query);
  const ordinalOf = (id: string | undefined): number | undefined => {
    if (id === undefined) return undefined;
    const index = items.findIndex((item) => item.id === id);
    if (index < 0) throw new StoreError('invalid_cursor', `No item with id ${JSON.stringify(id.slice(0, 80))} in this list to page from.`);
    return index;
  };
  const { ordinals, hasMore } = pageOrdinals(items.length, normal, ordinalOf(normal.after), ordinalOf(normal.before));
  const data = ordinals.map((ordinal) => items[ordinal]);
  return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null, has_more: hasMore };
}

/** A page with every item rendered. */
export function mapPage<T, U>(page: Page<T>, render: (item: T) => U): Page<U> {
  return { ...page, data: page.data.map(render) };
}
