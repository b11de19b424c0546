/** Why an agent file could not be used, as a stable code the UI can switch on. */
export type AgentFileErrorCode = 'invalid_agent_file' | 'unsupported_agent_file' | 'agent_file_unreadable' | 'read_only_agent';

/** An error about one agent file; the message names the file and the problem so the user can fix it. */
export class AgentFileError extends Error {
  constructor(
    readonly code: AgentFileErrorCode,
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'AgentFileError';
  }
}
