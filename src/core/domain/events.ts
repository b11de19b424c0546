import type { Message, MessageDelta } from './message';
import type { Run, RunStep, RunStepDelta } from './run';

type EventOf<Name extends string, Data> = Name extends string ? { event: Name; data: Data } : never;

export type RunLifecycleEventName =
  | 'thread.run.created'
  | 'thread.run.queued'
  | 'thread.run.in_progress'
  | 'thread.run.requires_action'
  | 'thread.run.completed'
  | 'thread.run.incomplete'
  | 'thread.run.failed'
  | 'thread.run.cancelling'
  | 'thread.run.cancelled'
  | 'thread.run.expired';

export type RunStepEventName =
  | 'thread.run.step.created'
  | 'thread.run.step.in_progress'
  | 'thread.run.step.completed'
  | 'thread.run.step.failed'
  | 'thread.run.step.cancelled'
  | 'thread.run.step.expired';

export type MessageEventName =
  'thread.message.created' | 'thread.message.in_progress' | 'thread.message.completed' | 'thread.message.incomplete';

/** The events a run streams, named and shaped as the Assistants streaming API's AssistantStreamEvent. */
export type RunEvent =
  | EventOf<RunLifecycleEventName, Run>
  | EventOf<RunStepEventName, RunStep>
  | { event: 'thread.run.step.delta'; data: RunStepDelta }
  | EventOf<MessageEventName, Message>
  | { event: 'thread.message.delta'; data: MessageDelta };

export type RunEventName = RunEvent['event'];

/** A RunEvent with the thread and run it belongs to (delta payloads carry neither). */
export type RunEngineEvent = RunEvent & { thread_id: string; run_id: string };
