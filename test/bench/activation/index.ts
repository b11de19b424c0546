/**
 * Runs inside a real VS Code's extension host (see activation.bench.ts): measures how long activating Agent
 * Threads takes, against activating VS Code's own References view extension (a lazily activated tree-view
 * extension) in the same host, and writes the figures as JSON for the bench runner to print.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';

async function timeActivation(id: string): Promise<number> {
  const extension = vscode.extensions.getExtension(id);
  if (!extension) throw new Error(`${id} is not installed`);
  if (extension.isActive) throw new Error(`${id} was already active: the measurement would be meaningless`);
  const start = performance.now();
  await extension.activate();
  return performance.now() - start;
}

export async function run(): Promise<void> {
  const out = process.env.AGENT_THREADS_BENCH_OUT;
  if (!out) throw new Error('AGENT_THREADS_BENCH_OUT is not set');
  // The baseline goes first so that any one-off cost of the first activation in a host falls on it, not on us.
  const baseline = await timeActivation('vscode.references-view');
  const ours = await timeActivation('agent-threads.agent-threads');
  fs.writeFileSync(out, JSON.stringify({ ours, baseline }));
}
