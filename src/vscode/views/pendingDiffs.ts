// The short diffs the inline approval cards show for calls that would change a file. Computing one reads the file
// (asynchronously), so the run is posted first and again once its diffs are known; each is computed once per call.

import { type Run, waitingToolCalls } from '../../core/domain';
import type { ToolCallPreviews } from '../tools/toolDiffPreview';

export class PendingDiffs {
  private readonly diffs = new Map<string, string>();
  private readonly computing = new Set<string>();

  constructor(
    private readonly previews: ToolCallPreviews | undefined,
    /** Called when a diff of `runId` became known, to post the run again. */
    private readonly onComputed: (runId: string) => void,
    private readonly onError: (message: string) => void,
  ) {}

  /** The diffs known so far, by tool call id. */
  get known(): ReadonlyMap<string, string> {
    return this.diffs;
  }

  /** Starts computing the diffs of the run's calls waiting for approval that do not have one yet. */
  request(run: Run): void {
    const previews = this.previews;
    if (!previews || run.status !== 'requires_action' || !run.required_action) return;
    for (const call of waitingToolCalls(run.required_action)) {
      const { name, arguments: args } = call.function;
      if (this.diffs.has(call.id) || this.computing.has(call.id) || !previews.hasDiff(name)) continue;
      this.computing.add(call.id);
      previews
        .compactDiff(name, args)
        .then((diff) => {
          if (diff === undefined) return;
          this.diffs.set(call.id, diff);
          this.onComputed(run.id);
        })
        // A call whose arguments do not fit its tool has no change to show; the card keeps its one-line account.
        .catch((error: unknown) => this.onError(`No diff for tool call ${call.id}: ${String(error)}`))
        .finally(() => this.computing.delete(call.id));
    }
  }
}
