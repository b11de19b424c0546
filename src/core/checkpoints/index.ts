export {
  ChangeSetStore,
  type ChangeScope,
  type ChangeSet,
  type FileChange,
  type InterruptedChange,
  type RecordedContent,
  sameState,
} from './changeSetStore';
export { ContentStore, ContentUnavailableError, hashOf, type ContentHash } from './contentStore';
export type { FileState, Unrestorable } from './changeJournal';
export { RestoreInProgressError } from './restoreLock';
export { restoreChanges, type RestoreOutcome, type RestoreReport, type RestoredFile, type WorkspaceFileAccess } from './restore';
export { nodeFileAccess } from './nodeFileAccess';
