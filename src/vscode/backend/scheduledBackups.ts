// The scheduled backup (agentThreads.backup.schedule, off by default): checked a minute after start and every hour
// after, never on the activation path; a due backup is written and the archives beyond the newest N deleted.

import * as vscode from 'vscode';
import { archivePrefix, type BackupSchedule, runScheduledBackup } from '../../core/history';
import { errorMessage } from '../shared/errors';

const FIRST_CHECK_MS = 60_000;
const CHECK_EVERY_MS = 3600_000;

/** The folder scheduled backups go to: the setting, or `fallback` (the global storage's backups folder). */
export function backupFolder(fallback: string): string {
  return vscode.workspace.getConfiguration('agentThreads.backup').get<string>('folder', '').trim() || fallback;
}

export class ScheduledBackups implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly settingsChanged: vscode.Disposable;

  constructor(
    private readonly options: { storageRoot: string; defaultFolder: string; extensionVersion: string; log: vscode.LogOutputChannel },
  ) {
    this.timer = setTimeout(() => this.tick(), FIRST_CHECK_MS);
    this.timer.unref();
    // Turning the schedule on backs up at once when one is due, rather than at the next hourly check.
    this.settingsChanged = vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('agentThreads.backup')) void this.check(); // logs its own failures
    });
  }

  /** Writes a backup now if one is due (the timer calls it; exposed for a check after the settings change). */
  check(): Promise<void> {
    this.running ??= this.backUpIfDue().finally(() => (this.running = undefined));
    return this.running;
  }

  dispose(): void {
    this.settingsChanged.dispose();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    void this.check(); // logs its own failures
    this.timer = setTimeout(() => this.tick(), CHECK_EVERY_MS);
    this.timer.unref();
  }

  private async backUpIfDue(): Promise<void> {
    const config = vscode.workspace.getConfiguration('agentThreads.backup');
    const schedule = config.get<BackupSchedule>('schedule', 'off');
    if (schedule === 'off') return;
    const { storageRoot, log } = this.options;
    const folder = backupFolder(this.options.defaultFolder);
    try {
      const { summary, deleted } = await runScheduledBackup({
        root: storageRoot,
        folder,
        prefix: archivePrefix(vscode.workspace.name ?? 'workspace', storageRoot),
        schedule,
        keep: config.get<number>('keep', 7),
        extensionVersion: this.options.extensionVersion,
      });
      if (summary) log.info(`Scheduled backup: ${summary.threads} threads, ${summary.agents} agents to ${summary.destination}`);
      if (deleted.length) log.info(`Scheduled backup: deleted ${deleted.length} older archives (${deleted.join(', ')})`);
    } catch (error) {
      log.error(`The scheduled backup to ${folder} failed: ${errorMessage(error)}`);
    }
  }
}
