/** Every way a store operation can fail, as a stable code callers (and the UI) can switch on. */
export type StoreErrorCode =
  | 'invalid_id'
  | 'invalid_agent'
  | 'invalid_message'
  | 'invalid_cursor'
  | 'invalid_import'
  | 'agent_not_found'
  | 'thread_not_found'
  | 'message_not_found'
  | 'run_not_found'
  | 'thread_message_limit'
  | 'thread_locked'
  | 'storage_unwritable'
  | 'storage_full'
  | 'storage_error';

/** An error from the agent or thread store, with a code and a message a user can act on. */
export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}
