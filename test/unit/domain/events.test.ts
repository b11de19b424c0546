import * as assert from 'node:assert/strict';
import {
  isMessageDeltaEvent,
  isMessageEvent,
  isMessageEventName,
  isRunLifecycleEvent,
  isRunLifecycleEventName,
  isRunStepEvent,
  isRunStepEventName,
  type RunEvent,
  type RunEventName,
} from '../../../src/core/domain/events';

// Every event name a run streams, by what its payload is (the Assistants streaming API's names).
const EXPECTED: Record<RunEventName, 'run' | 'step' | 'step delta' | 'message' | 'message delta'> = {
  'thread.run.created': 'run',
  'thread.run.queued': 'run',
  'thread.run.in_progress': 'run',
  'thread.run.requires_action': 'run',
  'thread.run.completed': 'run',
  'thread.run.incomplete': 'run',
  'thread.run.failed': 'run',
  'thread.run.cancelling': 'run',
  'thread.run.cancelled': 'run',
  'thread.run.expired': 'run',
  'thread.run.step.created': 'step',
  'thread.run.step.in_progress': 'step',
  'thread.run.step.completed': 'step',
  'thread.run.step.failed': 'step',
  'thread.run.step.cancelled': 'step',
  'thread.run.step.expired': 'step',
  'thread.run.step.delta': 'step delta',
  'thread.message.created': 'message',
  'thread.message.in_progress': 'message',
  'thread.message.completed': 'message',
  'thread.message.incomplete': 'message',
  'thread.message.delta': 'message delta',
};

/** What the guards say an event is; undefined when none claims it, a list when more than one does. */
function classify(event: RunEvent): string | undefined {
  const claims = [
    isRunLifecycleEvent(event) && 'run',
    isRunStepEvent(event) && 'step',
    isMessageEvent(event) && 'message',
    isMessageDeltaEvent(event) && 'message delta',
  ].filter((claim) => claim !== false);
  return claims.length > 1 ? claims.join(' and ') : claims[0];
}

describe('run event guards', () => {
  it('tell each event by its name, lifecycle from step events although both start with thread.run.', () => {
    for (const [name, kind] of Object.entries(EXPECTED)) {
      // Only the name matters to the guards; the payload is whatever the name says it is.
      const event = { event: name, data: {} } as RunEvent;
      assert.equal(classify(event), kind === 'step delta' ? undefined : kind, name);
    }
  });

  it('narrow the payload so a listener reads it without casting', () => {
    const streamedText = (event: RunEvent): string =>
      isMessageDeltaEvent(event)
        ? (event.data.delta.content ?? []).map((part) => (part.type === 'text' ? (part.text?.value ?? '') : '')).join('')
        : '';
    const delta: RunEvent = {
      event: 'thread.message.delta',
      data: { id: 'msg_1', object: 'thread.message.delta', delta: { content: [{ index: 0, type: 'text', text: { value: 'Hi' } }] } },
    };
    assert.equal(streamedText(delta), 'Hi');
    assert.equal(streamedText({ event: 'thread.run.step.delta', data: { id: 'step_1', object: 'thread.run.step.delta', delta: {} } }), '');
  });

  it('refuse names a service may add later, deltas and look-alikes', () => {
    for (const name of [
      'thread.run.step.delta',
      'thread.message.delta',
      'thread.run.paused',
      'thread.run.step',
      'thread.created',
      'error',
      'done',
      '',
    ]) {
      assert.equal(isRunLifecycleEventName(name), false, name);
      assert.equal(isRunStepEventName(name), false, name);
      assert.equal(isMessageEventName(name), false, name);
    }
    assert.equal(isRunLifecycleEventName('thread.run.failed'), true);
    assert.equal(isRunStepEventName('thread.run.step.failed'), true);
    assert.equal(isMessageEventName('thread.message.incomplete'), true);
  });
});
