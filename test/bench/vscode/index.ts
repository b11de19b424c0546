/**
 * Benchmarks that need a real VS Code, run inside its extension host (started by vscode.bench.ts):
 * - activation time of Agent Threads against VS Code's own References view extension in the same host;
 * - opening a thread panel on a 100,000-message thread against a 10-message one, and how many messages each puts
 *   in the DOM (the panel pages and windows, so both should be alike).
 * Figures are written as JSON for the bench runner to print.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ui } from '../../integration/driver';

async function timeActivation(id: string): Promise<number> {
  const extension = vscode.extensions.getExtension(id);
  if (!extension) throw new Error(`${id} is not installed`);
  if (extension.isActive) throw new Error(`${id} was already active: the measurement would be meaningless`);
  const start = performance.now();
  await extension.activate();
  return performance.now() - start;
}

/** A thread export with `count` alternating user/assistant messages, written to a temp file. */
function threadExportFile(count: number): vscode.Uri {
  const now = Math.floor(Date.now() / 1000) - count;
  const messages = Array.from({ length: count }, (_, i) => ({
    id: `msg_bench${String(i).padStart(10, '0')}`,
    object: 'thread.message',
    thread_id: 'thread_benchmark0',
    role: i % 2 === 0 ? 'user' : 'assistant',
    content: [{ type: 'text', text: { value: `Message ${i}: ${'lorem ipsum dolor sit amet '.repeat(3)}` } }],
    assistant_id: null,
    run_id: null,
    status: 'completed',
    incomplete_details: null,
    attachments: null,
    metadata: null,
    created_at: now + i,
    completed_at: now + i,
    incomplete_at: null,
  }));
  const doc = {
    format: 'agent-threads/thread',
    version: 1,
    thread: { id: `thread_bench${count}x`, object: 'thread', title: `${count} messages`, agent_id: null, created_at: now, metadata: {}, message_count: count, last_activity_at: now + count },
    messages: { object: 'list', data: messages, first_id: messages[0]?.id ?? null, last_id: messages.at(-1)?.id ?? null, has_more: false },
    runs: [],
    run_steps: [],
  };
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'agent-threads-bench-')), `${count}.thread.json`);
  fs.writeFileSync(file, JSON.stringify(doc));
  return vscode.Uri.file(file);
}

/** Opens a thread panel and waits until its newest message is on screen; returns ms and the DOM message count. */
async function timePanelOpen(threadId: string, newestText: string): Promise<{ ms: number; inDom: number }> {
  const start = performance.now();
  await vscode.commands.executeCommand('agentThreads.openThread', threadId);
  const inDom = await ui.waitFor(
    { webview: 'thread' },
    new Function(`const m = [...document.querySelectorAll('.message')]; return m.length > 0 && m[m.length - 1].textContent.includes(${JSON.stringify(newestText)}) ? m.length : 0;`) as () => number,
    60_000,
  );
  const ms = performance.now() - start;
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  return { ms, inDom };
}

export async function run(): Promise<void> {
  const out = process.env.AGENT_THREADS_BENCH_OUT;
  if (!out) throw new Error('AGENT_THREADS_BENCH_OUT is not set');
  // The baseline goes first so that any one-off cost of the first activation in a host falls on it, not on us.
  const baseline = await timeActivation('vscode.references-view');
  const ours = await timeActivation('agent-threads.agent-threads');

  const figures: Record<string, number> = { activationMs: ours, baselineActivationMs: baseline };
  for (const count of [10, 100_000]) {
    const importStart = performance.now();
    const thread = (await vscode.commands.executeCommand('agentThreads.importThread', threadExportFile(count))) as { id: string } | undefined;
    if (!thread) throw new Error(`importing the ${count}-message thread failed; see the Agent Threads log`);
    figures[`import${count}Ms`] = performance.now() - importStart;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // Median of three opens, each a fresh panel (the store and the panel read the newest page only).
    const opens = [];
    for (let i = 0; i < 3; i++) opens.push(await timePanelOpen(thread.id, `Message ${count - 1}:`));
    opens.sort((a, b) => a.ms - b.ms);
    figures[`open${count}Ms`] = opens[1].ms;
    figures[`open${count}InDom`] = opens[1].inDom;
  }
  fs.writeFileSync(out, JSON.stringify(figures));
}
