// Every code a coded error of ours can carry, in one place: the UI maps codes to fixes (a Record over ErrorCode),
// so a code renamed or removed here fails to compile where it is used. The error classes live with their layers.

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

/** Why a model call failed (ModelError, core/model). */
export type ModelErrorCode =
  | 'invalid_api_key'
  | 'permission_denied'
  | 'model_not_found'
  | 'context_length_exceeded'
  | 'bad_request'
  | 'rate_limit_exceeded'
  | 'server_error'
  | 'network_error'
  | 'timeout'
  | 'cancelled'
  | 'malformed_response';

/** Why the run engine refused (RunError, core/runs). */
export type RunErrorCode =
  | 'no_model'
  | 'thread_busy'
  | 'run_not_found'
  | 'run_not_waiting'
  | 'unknown_tool_call'
  | 'context_length_exceeded'
  | 'compaction_disabled'
  | 'nothing_to_compact'
  | 'compaction_failed';

/** Why the Foundry service refused or could not be reached (FoundryError, core/backend/foundry). */
export type FoundryErrorCode =
  | 'foundry_unauthorized'
  | 'foundry_forbidden'
  | 'foundry_not_found'
  | 'foundry_rate_limited'
  | 'foundry_conflict'
  | 'foundry_unavailable'
  | 'foundry_bad_request'
  | 'foundry_network';

/** Why an agent file could not be used (AgentFileError, core/agentFiles). */
export type AgentFileErrorCode = 'invalid_agent_file' | 'unsupported_agent_file' | 'agent_file_unreadable' | 'read_only_agent';

/** Why a tool's path was refused (PathConfinementError, core/tools). */
export type PathErrorCode = 'path_outside_workspace' | 'path_invalid' | 'no_workspace';

/** Every code a coded error of ours carries. */
export type ErrorCode = StoreErrorCode | ModelErrorCode | RunErrorCode | FoundryErrorCode | AgentFileErrorCode | PathErrorCode;

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
