import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessageInput } from '../../../src/core/domain/message';
import type { Run, RunStep } from '../../../src/core/domain/run';
import type { Logger } from '../../../src/core/util/logger';
import { ThreadStore } from '../../../src/core/store/threadStore';

/** A fresh empty folder under the OS temp folder; remove it with `removeTempDir`. */
export function makeTempDir(): Promise<string> {
  return fs.mkdtemp(join(tmpdir(), 'agent-threads-store-'));
}

export function removeTempDir(dir: string): Promise<void> {
  return fs.rm(dir, { recursive: true, force: true });
}

/** A logger that keeps what it was told, so tests can assert on warnings. */
export class RecordingLogger implements Logger {
  readonly lines: { level: 'info' | 'warn' | 'error'; message: string }[] = [];
  info(message: string): void {
    this.lines.push({ level: 'info', message });
  }
  warn(message: string): void {
    this.lines.push({ level: 'warn', message });
  }
  error(message: string): void {
    this.lines.push({ level: 'error', message });
  }
  warnings(): string[] {
    return this.lines.filter((line) => line.level === 'warn').map((line) => line.message);
  }
}

/** A user (or assistant) message with one text part. */
export function text(value: string, role: 'user' | 'assistant' = 'user'): MessageInput {
  return { role, content: [{ type: 'text', text: { value } }] };
}

/**
 * A ThreadStore on a fresh temp folder for each test of the calling `describe`, disposed and removed after it.
 * Read `.store` and `.root` inside the tests (they change per test).
 */
export function freshThreadStore(): { readonly store: ThreadStore; readonly root: string } {
  const current = { store: undefined as unknown as ThreadStore, root: '' };
  beforeEach(async () => {
    current.root = await makeTempDir();
    current.store = new ThreadStore({ root: current.root });
  });
  afterEach(async () => {
    current.store.dispose();
    await removeTempDir(current.root);
  });
  return current;
}

/** A run snapshot with the given status; give it a real id with `{ ...sampleRun(...), id }`. */
export function sampleRun(threadId: string, status: Run['status']): Run {
  return {
    id: 'run_placeholder1',
    object: 'thread.run',
    thread_id: threadId,
    assistant_id: 'asst_0000000001',
    assistant_version: 1,
    status,
    model: { profile: 'local', name: 'gpt-test' },
    instructions: 'Be brief.',
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
    usage: null,
    metadata: null,
    created_at: 1,
    started_at: null,
    completed_at: null,
    cancelled_at: null,
    failed_at: null,
    expires_at: null,
  };
}

/** A completed tool-call step of `runId`. */
export function sampleStep(threadId: string, runId: string, id: string): RunStep {
  return {
    id,
    object: 'thread.run.step',
    thread_id: threadId,
    run_id: runId,
    assistant_id: 'asst_0000000001',
    type: 'tool_calls',
    step_details: {
      type: 'tool_calls',
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'read', arguments: '{}', output: 'ok' }, status: 'completed' }],
    },
    status: 'completed',
    last_error: null,
    usage: null,
    metadata: null,
    created_at: 1,
    completed_at: 2,
    cancelled_at: null,
    failed_at: null,
    expired_at: null,
  };
}

/** A small deterministic PRNG (mulberry32) so a failing random sequence can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Whether this process can ignore file permissions (root), which makes chmod-based tests meaningless. */
export const runningAsRoot = typeof process.getuid === 'function' && process.getuid() === 0;
