// How many files each finished run changed, for the "N files changed" under its answer. Reading a run's change set
// reads the thread's journal (asynchronously), so the run is posted first and again once its count is known; each
// run is counted once, after it finished (its tools record every change before they write).

import { TERMINAL_RUN_STATUSES, type Run } from '../../core/domain';

/** Where the counts come from: the change sets of core/checkpoints. */
export interface RunChangeSource {
  changeSet(threadId: string, runId: string): Promise<{ files: readonly unknown[] } | undefined>;
}

export class RunChangeCounts {
  private readonly counts = new Map<string, number>();
  private readonly counting = new Set<string>();

  constructor(
    private readonly source: RunChangeSource | undefined,
    /** Called when a run turned out to have changed files, to post it again. */
    private readonly onCounted: (runId: string) => void,
    private readonly onError: (message: string) => void,
  ) {}

  /** The files the run changed, when known and more than none. */
  of(runId: string): number | undefined {
    return this.counts.get(runId) || undefined;
  }

  /** Starts counting the files of a finished run of `threadId` that has no count yet. */
  request(threadId: string | null, run: Run): void {
    const source = this.source;
    if (!source || !threadId || !TERMINAL_RUN_STATUSES.includes(run.status)) return;
    if (this.counts.has(run.id) || this.counting.has(run.id)) return;
    this.counting.add(run.id);
    source
      .changeSet(threadId, run.id)
      .then((set) => {
        const count = set?.files.length ?? 0;
        this.counts.set(run.id, count);
        if (count > 0) this.onCounted(run.id);
      })
      .catch((error: unknown) => this.onError(`Could not read what run ${run.id} changed: ${String(error)}`))
      .finally(() => this.counting.delete(run.id));
  }
}
