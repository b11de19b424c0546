import { strict as assert } from 'node:assert';
import type { Run, RunStep } from '../../../src/core/domain/run';
import { runReportMarkdown } from '../../../src/core/runs/runReport';

const thread = { id: 'thread_0000000000000000000001', title: 'Fix the build' };

function run(overrides: Partial<Run> = {}): Run {
  return {
    id: 'run_0000000000000000000001',
    object: 'thread.run',
    thread_id: thread.id,
    assistant_id: 'asst_0000000001',
    assistant_version: 3,
    status: 'completed',
    model: { profile: 'fake', name: 'fake-model' },
    instructions: '',
    tools: [],
    temperature: null,
    top_p: null,
    response_format: 'auto',
    max_prompt_tokens: null,
    max_completion_tokens: null,
    truncation_strategy: { type: 'auto' },
    required_action: null,
    last_error: null,
    incomplete_details: null,
    usage: { prompt_tokens: 500, completion_tokens: 24, total_tokens: 524 },
    metadata: null,
    created_at: 1_700_000_000,
    started_at: 1_700_000_001,
    completed_at: 1_700_000_004,
    cancelled_at: null,
    failed_at: null,
    expires_at: null,
    ...overrides,
  };
}

function toolStep(output: string | null, createdAt = 1_700_000_002): RunStep {
  return {
    id: 'step_0000000000000000000002',
    object: 'thread.run.step',
    thread_id: thread.id,
    run_id: 'run_0000000000000000000001',
    assistant_id: 'asst_0000000001',
    type: 'tool_calls',
    status: 'completed',
    last_error: null,
    usage: null,
    metadata: null,
    created_at: createdAt,
    completed_at: createdAt + 2,
    cancelled_at: null,
    failed_at: null,
    expired_at: null,
    step_details: {
      type: 'tool_calls',
      tool_calls: [
        {
          id: 'call_1',
          type: 'function',
          function: { name: 'run_command', arguments: '{"command":"npm test"}', output },
          status: 'completed',
        },
      ],
    },
  };
}

const messageStep: RunStep = {
  id: 'step_0000000000000000000001',
  object: 'thread.run.step',
  thread_id: thread.id,
  run_id: 'run_0000000000000000000001',
  assistant_id: 'asst_0000000001',
  type: 'message_creation',
  status: 'completed',
  last_error: null,
  usage: null,
  metadata: null,
  created_at: 1_700_000_003,
  completed_at: 1_700_000_004,
  cancelled_at: null,
  failed_at: null,
  expired_at: null,
  step_details: { type: 'message_creation', message_creation: { message_id: 'msg_0000000000000000000009' } },
};

describe('run report (Show Run Details)', () => {
  it('states status, thread, agent, model, times, duration and usage', () => {
    const report = runReportMarkdown(thread, run(), []);
    assert.match(report, /^# Run run_0000000000000000000001\n/);
    assert.match(report, /\| Status \| Completed \(`completed`\) \|/);
    assert.match(report, /\| Thread \| Fix the build \(`thread_0000000000000000000001`\) \|/);
    assert.match(report, /\| Agent \| `asst_0000000001` version 3 \|/);
    assert.match(report, /\| Model \| fake \/ fake-model \|/);
    assert.match(report, /\| Started \| 2023-11-14T22:13:21Z \|/);
    assert.match(report, /\| Duration \| 3 s \|/);
    assert.match(report, /\| Usage \| 500 prompt \+ 24 completion = 524 tokens \|/);
    assert.match(report, /\| Last error \| — \|/);
    assert.match(report, /No steps were recorded\./);
  });

  it('lists steps in order with tool name, pretty arguments, output and duration', () => {
    const report = runReportMarkdown(thread, run(), [messageStep, toolStep('> build\n3 passing\n')]);
    const tool = report.indexOf('### 1. Tool calls — completed, 2 s');
    const message = report.indexOf('### 2. Message — completed, 1 s');
    assert.ok(tool > 0 && message > tool, report);
    assert.match(report, /#### `run_command` — completed\n\nArguments:\n\n```json\n\{\n {2}"command": "npm test"\n\}\n```/);
    assert.match(report, /Output:\n\n```text\n> build\n3 passing\n\n```/);
    assert.match(report, /Wrote message `msg_0000000000000000000009`\./);
  });

  it('keeps tool output that contains a code fence inside its block', () => {
    const report = runReportMarkdown(thread, run(), [toolStep('before\n```\nafter')]);
    assert.match(report, /````text\nbefore\n```\nafter\n````/);
  });

  it('shows the last error in full, the pending approvals, and redacts secrets', () => {
    const key = 'azure-key-0123456789abcdef';
    const failed = run({
      status: 'failed',
      completed_at: null,
      failed_at: 1_700_000_009,
      last_error: { code: 'invalid_api_key', message: `Key ${key} | was rejected` },
    });
    const report = runReportMarkdown(thread, failed, [toolStep(`KEY=${key}`)], [key]);
    assert.match(report, /\| Last error \| `invalid_api_key`: Key \[redacted secret\] \\\| was rejected \|/);
    assert.match(report, /\| Duration \| 8 s \|/);
    assert.ok(!report.includes(key));
    const waiting = run({
      status: 'requires_action',
      completed_at: null,
      required_action: {
        type: 'submit_tool_outputs',
        submit_tool_outputs: { tool_calls: [{ id: 'c', type: 'function', function: { name: 'edit_file', arguments: '{}' } }] },
      },
    });
    assert.match(
      runReportMarkdown(thread, waiting, [toolStep(null)]),
      /\| Waiting for approval of \| `edit_file` \|[\s\S]*Output:\n\n\*\(none yet\)\*/,
    );
  });
});
