/** Why a backup could not be written or restored; `file` names the archive entry at fault, when one is. */
export class BackupError extends Error {
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(message);
    this.name = 'BackupError';
  }
}
