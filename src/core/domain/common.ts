/** Up to 16 string key/value pairs attached to an object, as in the Assistants API. */
export type Metadata = Record<string, string>;

/** Unix time in whole seconds, the unit every `*_at` field uses. */
export type UnixSeconds = number;

/** Token counts of a run or run step. */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** Any JSON value; used for free-form tool settings. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The current time in Unix seconds. */
export function nowSeconds(): UnixSeconds {
  return Math.floor(Date.now() / 1000);
}
