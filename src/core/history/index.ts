export {
  mergeStore,
  recoverInterruptedMerges,
  type MergeOptions,
  type MergeOutcome,
  type MergeReport,
  type MergeStep,
  type MergeTarget,
  type RecoveredMerge,
} from './mergeStore';
export { copyId } from './copyIds';
export {
  gitRemotesOf,
  gitRootCommitsOf,
  normaliseRemote,
  sameProject,
  workspaceFileFolders,
  type ProjectIdentity,
} from './projectIdentity';
export {
  countThreads,
  listStoredThreads,
  scanWorkspaceStorage,
  threadIdsIn,
  type ScannedStore,
  type StoredThreadSummary,
} from './storeScan';
export { StoreRegistry, type RegisteredStore } from './storeRegistry';
export { findStores, storesOfProject, threadsMissingFrom, type FindStoresOptions, type KnownStore } from './storeDiscovery';
export { type BackupSummary, writeBackup } from './backupArchive';
export { BackupError } from './backupErrors';
export { archivePrefix, type BackupSchedule, runScheduledBackup } from './backupSchedule';
export { finishInterruptedRestores, restoreBackup, type RestoreResult } from './restoreBackup';
