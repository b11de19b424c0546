// Persists a run's changes and announces them, in one order. Every change is saved first and announced after,
// so a listener that reads the store on an event sees that change; deltas are only announced (writing each would
// cost a log record per token) but wait behind any save still in flight so events never overtake each other.
// One exception: a turn's opening (its step and in_progress message) is announced as its save starts, so the
// answer's first words go to the screen without waiting for the disk; its save still comes before any later one.

import type { MessageEventName, RunEngineEvent, RunEvent, RunStepEventName } from '../domain/events';
import { nowSeconds } from '../domain/common';
import { buildMessage, type Message, type MessageInput, type MessageUpdate } from '../domain/message';
import type { Run, RunStatus, RunStep } from '../domain/run';
import type { ThreadStore } from '../store/threadStore';
import { lifecycleEvent, transition, type TransitionDetails } from './runState';

export type { RunEngineEvent } from '../domain/events';

type RunStore = Pick<ThreadStore, 'saveRun' | 'saveRunStep' | 'saveRunStepWithMessage' | 'appendMessage' | 'updateMessage'>;

/** The ordered writer and announcer for one run. */
export class RunRecorder {
  private tail: Promise<unknown> = Promise.resolve();
  private queued = 0;

  constructor(
    private current: Run,
    private readonly store: RunStore,
    private readonly announce: (event: RunEngineEvent) => void,
    private readonly now: () => number,
  ) {}

  /** The run as of the latest change (already updated while that change is being saved). */
  get run(): Run {
    return this.current;
  }

  /** Saves the new queued run and announces thread.run.created and thread.run.queued. */
  created(): Promise<void> {
    const run = this.current;
    return this.enqueue(
      () => this.store.saveRun(run),
      [
        { event: 'thread.run.created', data: run },
        { event: 'thread.run.queued', data: run },
      ],
    );
  }

  /** Moves the run to `status` at once (so racing callers see it), then saves and announces it. */
  transition(status: RunStatus, details?: TransitionDetails): Promise<void> {
    const run = transition(this.current, status, this.now(), details);
    this.current = run;
    return this.enqueue(() => this.store.saveRun(run), [{ event: lifecycleEvent(status), data: run }]);
  }

  /** Records changes to the run that are not a status change (usage so far); saved with the next transition. */
  patch(change: Partial<Pick<Run, 'usage'>>): void {
    this.current = { ...this.current, ...change };
  }

  /** Saves a step snapshot and announces it under each of `events`. */
  step(step: RunStep, events: RunStepEventName[]): Promise<void> {
    return this.enqueue(
      () => this.store.saveRunStep(step),
      events.map((event): RunEvent => ({ event, data: step })),
    );
  }

  /** Appends a message and announces it under each of `events`. */
  async appendMessage(input: MessageInput, events: MessageEventName[]): Promise<Message> {
    let message: Message | undefined;
    await this.enqueue(
      async () => (message = await this.store.appendMessage(this.current.thread_id, input)),
      () => (message ? events.map((event): RunEvent => ({ event, data: message! })) : []),
    );
    return message!;
  }

  /**
   * Saves a step and appends a message in one write, announcing the step's events and the message's as the save
   * starts when nothing is waiting to be announced (else after the save, in order): a turn's opening, which stands
   * between the model's first token and the screen. The message is empty and in_progress, so a crash before the
   * save lands loses nothing the user was shown for long; the returned promise settles once it is saved.
   */
  async stepWithMessage(
    step: RunStep,
    stepEvents: RunStepEventName[],
    input: MessageInput,
    messageEvents: MessageEventName[],
  ): Promise<Message> {
    const announced = buildMessage(this.current.thread_id, input, nowSeconds());
    const events = [
      ...stepEvents.map((event): RunEvent => ({ event, data: step })),
      ...messageEvents.map((event): RunEvent => ({ event, data: announced })),
    ];
    const save = () => this.store.saveRunStepWithMessage(step, { ...input, id: announced.id, created_at: announced.created_at });
    if (this.queued > 0) {
      let message: Message | undefined;
      await this.enqueue(async () => (message = await save()), events);
      return message!;
    }
    for (const event of events) this.send(event);
    const saved = this.tail.then(save);
    this.tail = saved.catch(() => undefined);
    return saved;
  }

  /** Updates a message and announces the new version under each of `events` (none for silent bookkeeping). */
  async updateMessage(messageId: string, update: MessageUpdate, events: MessageEventName[]): Promise<Message> {
    let message: Message | undefined;
    await this.enqueue(
      async () => (message = await this.store.updateMessage(this.current.thread_id, messageId, update)),
      () => (message ? events.map((event): RunEvent => ({ event, data: message! })) : []),
    );
    return message!;
  }

  /** Announces an event that is not saved (deltas); synchronous unless a save is still in flight. */
  emit(event: RunEvent): void {
    if (this.queued === 0) {
      this.send(event);
      return;
    }
    this.queued++;
    this.tail = this.tail.then(() => {
      this.queued--;
      this.send(event);
    });
  }

  /** Resolves once every change queued so far has been saved and announced. */
  settled(): Promise<void> {
    return this.tail.then(() => undefined);
  }

  private enqueue(save: () => Promise<unknown>, events: RunEvent[] | (() => RunEvent[])): Promise<void> {
    this.queued++;
    const done = this.tail.then(save).finally(() => {
      this.queued--;
      // Announce even when the save failed: the change happened in this window, and the caller hears the error.
      for (const event of typeof events === 'function' ? events() : events) this.send(event);
    });
    this.tail = done.catch(() => undefined);
    return done.then(() => undefined);
  }

  private send(event: RunEvent): void {
    this.announce({ ...event, thread_id: this.current.thread_id, run_id: this.current.id } as RunEngineEvent);
  }
}
