import type { Message, MessageDelta } from './message';
import type { Run, RunStep, RunStepDelta } from './run';

const RUN_LIFECYCLE_EVENT_NAMES = [
  'thread.run.created',
  'thread.run.queued',
  'thread.run.in_progress',
  'thread.run.requires_action',
  'thread.run.completed',
  'thread.run.incomplete',
  'thread.run.failed',
  'thread.run.cancelling',
  'thread.run.cancelled',
  'thread.run.expired',
] as const;

const RUN_STEP_EVENT_NAMES = [
  'thread.run.step.created',
  'thread.run.step.in_progress',
  'thread.run.step.completed',
  'thread.run.step.failed',
  'thread.run.step.cancelled',
  'thread.run.step.expired',
] as const;

const MESSAGE_EVENT_NAMES = [
  'thread.message.created',
  'thread.message.in_progress',
  'thread.message.completed',
  'thread.message.incomplete',
] as const;

export type RunLifecycleEventName = (typeof RUN_LIFECYCLE_EVENT_NAMES)[number];
export type RunStepEventName = (typeof RUN_STEP_EVENT_NAMES)[number];
export type MessageEventName = (typeof MESSAGE_EVENT_NAMES)[number];

/** A run changed status; the payload is the whole run. */
export interface RunLifecycleEvent {
  event: RunLifecycleEventName;
  data: Run;
}
/** A run step changed status; the payload is the whole step. */
export interface RunStepEvent {
  event: RunStepEventName;
  data: RunStep;
}
export interface RunStepDeltaEvent {
  event: 'thread.run.step.delta';
  data: RunStepDelta;
}
/** A message of the run changed status; the payload is the whole message. */
export interface MessageEvent {
  event: MessageEventName;
  data: Message;
}
export interface MessageDeltaEvent {
  event: 'thread.message.delta';
  data: MessageDelta;
}

/** The events a run streams, named and shaped as the Assistants streaming API's AssistantStreamEvent. */
export type RunEvent = RunLifecycleEvent | RunStepEvent | RunStepDeltaEvent | MessageEvent | MessageDeltaEvent;

export type RunEventName = RunEvent['event'];

/** A RunEvent with the thread and run it belongs to (delta payloads carry neither). */
export type RunEngineEvent = RunEvent & { thread_id: string; run_id: string };

const lifecycleNames: ReadonlySet<string> = new Set(RUN_LIFECYCLE_EVENT_NAMES);
const stepNames: ReadonlySet<string> = new Set(RUN_STEP_EVENT_NAMES);
const messageNames: ReadonlySet<string> = new Set(MESSAGE_EVENT_NAMES);

/** Whether an event name (a service's, say) is a run's status change. */
export function isRunLifecycleEventName(name: string): name is RunLifecycleEventName {
  return lifecycleNames.has(name);
}

/** Whether an event name is a run step's status change (not its delta). */
export function isRunStepEventName(name: string): name is RunStepEventName {
  return stepNames.has(name);
}

/** Whether an event name is a message's status change (not its delta). */
export function isMessageEventName(name: string): name is MessageEventName {
  return messageNames.has(name);
}

/** Whether the event is a run's status change, so its payload is the run. */
export function isRunLifecycleEvent<E extends RunEvent>(event: E): event is Extract<E, RunLifecycleEvent> {
  return isRunLifecycleEventName(event.event);
}

/** Whether the event is a run step's status change, so its payload is the whole step. */
export function isRunStepEvent<E extends RunEvent>(event: E): event is Extract<E, RunStepEvent> {
  return isRunStepEventName(event.event);
}

/** Whether the event is a message's status change, so its payload is the whole message. */
export function isMessageEvent<E extends RunEvent>(event: E): event is Extract<E, MessageEvent> {
  return isMessageEventName(event.event);
}

/** Whether the event is a piece of a message being streamed. */
export function isMessageDeltaEvent<E extends RunEvent>(event: E): event is Extract<E, MessageDeltaEvent> {
  return event.event === 'thread.message.delta';
}
