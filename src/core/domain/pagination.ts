// The list shapes every repository pages by, as in the Assistants API.

/** Query of a list endpoint, as in the Assistants API. */
export interface ListQuery {
  /** 1..100, default 20. */
  limit?: number;
  /** Default 'desc' (newest first). */
  order?: 'asc' | 'desc';
  /** Return items that come after this id in `order`. */
  after?: string;
  /** Return the items that come just before this id in `order`. */
  before?: string;
}

/** One page of a list, as in the Assistants API. */
export interface Page<T> {
  object: 'list';
  data: T[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}
