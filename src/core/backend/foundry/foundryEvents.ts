import type { Message } from '../../domain/message';
import type { Run } from '../../domain/run';
import type { RunEngineEvent } from '../../runs/runRecorder';
import type { ThreadChange } from '../../store/threadStore';
import { Emitter } from '../../util/emitter';

/**
 * The events of one Foundry connection. The service does not push changes, so these fire for what this window does
 * (and streams); the refresh command re-reads what other machines changed.
 */
export class FoundryEvents {
  readonly agentsChanged = new Emitter<unknown>();
  readonly threadsChanged = new Emitter<ThreadChange>();
  readonly messagesAppended = new Emitter<{ threadId: string; messages: Message[] }>();
  readonly messageUpdated = new Emitter<{ threadId: string; message: Message }>();
  readonly runSaved = new Emitter<{ threadId: string; run: Run }>();
  readonly runEvent = new Emitter<RunEngineEvent>();

  dispose(): void {
    for (const emitter of [
      this.agentsChanged,
      this.threadsChanged,
      this.messagesAppended,
      this.messageUpdated,
      this.runSaved,
      this.runEvent,
    ])
      emitter.dispose();
  }
}

/** The first page of an SDK list. The SDK pages by `nextLink`, which the Agents API never sends, so cursors are ours. */
export async function firstPage<T>(list: { byPage(): AsyncIterableIterator<T[]> }): Promise<T[]> {
  const next = await list.byPage().next();
  return next.done ? [] : next.value;
}
