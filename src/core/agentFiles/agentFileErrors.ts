import type { AgentFileErrorCode } from '../domain/errors';

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
