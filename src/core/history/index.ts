export { type BackupSummary, writeBackup } from './backupArchive';
export { BackupError } from './backupErrors';
export { archivePrefix, type BackupSchedule, runScheduledBackup } from './backupSchedule';
export { finishInterruptedRestores, restoreBackup, type RestoreResult } from './restoreBackup';
