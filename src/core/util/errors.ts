// Reading what was thrown: anything can be (an Error, a string, a rejected SDK object), so callers never assume.

/** The message of anything thrown, for logs, notices and the error text a model reads. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The errno code of a Node system error ('ENOENT', 'EEXIST', ...), if the thrown value has one. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
