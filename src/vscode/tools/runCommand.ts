// run_command: runs a shell command where the user can watch it, in a terminal with shell integration, reading its
// output and exit code through the shell-integration API. Without shell integration (a shell that does not
// support it, or it does not start in time) it falls back to a child process in the workspace folder and says so.
// Either way the run's AbortSignal and a timeout stop the command. The files it changed are listed after its output
// and recorded in the run's change set (commandFileChanges.ts).

import { spawn } from 'node:child_process';
import * as vscode from 'vscode';
import { defineTool } from '../../core/tools/defineTool';
import { WorkspaceToolName } from '../../core/tools/toolNames';
import type { ToolDefinition } from '../../core/tools/toolRegistry';
import { type FileChangeRecorder, notRecorded, scopeOf } from './changeRecording';
import { CommandFileChanges, type ObservedChangeRecorder } from './commandFileChanges';
import { shown, type WorkspaceAccess } from './workspaceAccess';

const SHELL_INTEGRATION_WAIT_MS = 4_000;
const MAX_CAPTURE_CHARS = 256 * 1024;
// eslint-disable-next-line no-control-regex -- matching terminal escape sequences is the point
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

interface CommandOutcome {
  output: string;
  exitCode: number | undefined;
  stopped?: 'timeout' | 'cancelled';
  via: 'terminal' | 'process';
}

/** run_command: a shell command in the workspace, with output and exit code. */
export function runCommandTool(access: WorkspaceAccess, changes: FileChangeRecorder = notRecorded): ToolDefinition {
  return defineTool({
    name: WorkspaceToolName.runCommand,
    description:
      "Runs a shell command in the workspace folder (or cwd inside it) in a VS Code terminal and returns its output and exit code. Needs the user's approval.",
    parameters: {
      type: 'object',
      properties: {
        command: { type: 'string', minLength: 1 },
        cwd: { type: 'string' },
        timeout_seconds: { type: 'integer', minimum: 1, maximum: 600 },
      },
      required: ['command'],
      additionalProperties: false,
    },
    readOnly: false,
    describeCall: ({ command }) => `run: ${command}`,
    invoke: async ({ command, cwd = '.', timeout_seconds = 60 }, context) => {
      const folder = await access.confine(cwd);
      const limits = { timeoutMs: timeout_seconds * 1000, signal: context.signal };
      const recorder = changes.recordObserved ? (changes as ObservedChangeRecorder) : undefined;
      const watch = recorder && (await CommandFileChanges.start(folder.absolute));
      let outcome: CommandOutcome;
      try {
        outcome = (await inTerminal(command, folder.absolute, limits)) ?? (await inChildProcess(command, folder.absolute, limits));
      } catch (error) {
        watch?.dispose();
        throw error;
      }
      const changed = watch ? await watch.finish(access, recorder!, scopeOf(context, WorkspaceToolName.runCommand)) : '';
      return formatOutcome(command, shown(folder), outcome, timeout_seconds) + (changed ? `\n\n${changed}` : '');
    },
  });
}

function formatOutcome(command: string, cwd: string, outcome: CommandOutcome, timeoutSeconds: number): string {
  const status =
    outcome.stopped === 'timeout'
      ? `stopped after the ${timeoutSeconds}s timeout`
      : outcome.stopped === 'cancelled'
        ? 'stopped because the run was cancelled'
        : `exit code ${outcome.exitCode ?? 'unknown'}`;
  const note =
    outcome.via === 'process'
      ? '\n(Shell integration was not available, so the command ran as a background process, not in a terminal.)'
      : '';
  return `$ ${command}   (in ${cwd}; ${status})${note}\n${outcome.output.replace(ANSI, '').trimEnd() || '(no output)'}`;
}

interface Limits {
  timeoutMs: number;
  signal: AbortSignal;
}

async function inTerminal(command: string, cwd: string, limits: Limits): Promise<CommandOutcome | undefined> {
  const terminal = vscode.window.createTerminal({ name: 'Agent Threads', cwd, isTransient: true });
  const integration = await shellIntegrationOf(terminal, limits.signal);
  if (!integration) {
    terminal.dispose();
    return undefined;
  }
  terminal.show(true);
  const execution = integration.executeCommand(command);
  let output = '';
  let stopped: CommandOutcome['stopped'];
  const ended = new Promise<number | undefined>((resolve) => {
    const done = (code: number | undefined) => {
      endListener.dispose();
      closeListener.dispose();
      resolve(code);
    };
    const endListener = vscode.window.onDidEndTerminalShellExecution((event) => {
      if (event.execution === execution) done(event.exitCode);
    });
    // A command that exits the shell itself (`exit 3`) ends the terminal before shell integration reports the end.
    const closeListener = vscode.window.onDidCloseTerminal((closed) => {
      if (closed === terminal) done(closed.exitStatus?.code);
    });
  });
  const reading = (async () => {
    for await (const chunk of execution.read()) output = (output + chunk).slice(-MAX_CAPTURE_CHARS);
  })();
  const stop = await raceLimits(ended, limits);
  if (stop) {
    stopped = stop;
    terminal.sendText('\x03', false); // Ctrl+C, as the user would; the terminal stays for them to inspect
  }
  const exitCode = stop ? undefined : await ended;
  await Promise.race([reading, new Promise((resolve) => setTimeout(resolve, 500))]);
  if (terminal.exitStatus && !output.trim()) output = "(The command ended the terminal's shell, so its output could not be read.)";
  return { output, exitCode, stopped, via: 'terminal' };
}

function shellIntegrationOf(terminal: vscode.Terminal, signal: AbortSignal): Promise<vscode.TerminalShellIntegration | undefined> {
  if (terminal.shellIntegration) return Promise.resolve(terminal.shellIntegration);
  return new Promise((resolve) => {
    const done = (value: vscode.TerminalShellIntegration | undefined) => {
      clearTimeout(timer);
      listener.dispose();
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    };
    const onAbort = () => done(undefined);
    const timer = setTimeout(() => done(undefined), SHELL_INTEGRATION_WAIT_MS);
    const listener = vscode.window.onDidChangeTerminalShellIntegration((event) => {
      if (event.terminal === terminal) done(event.shellIntegration);
    });
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function inChildProcess(command: string, cwd: string, limits: Limits): Promise<CommandOutcome> {
  return new Promise((resolve) => {
    const child = spawn(command, { cwd, shell: true, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
    let output = '';
    const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-MAX_CAPTURE_CHARS));
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let stopped: CommandOutcome['stopped'];
    const kill = (reason: NonNullable<CommandOutcome['stopped']>) => {
      stopped ??= reason;
      // The shell's children (npm → node …) die with the process group, not only the shell.
      if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, 'SIGTERM');
      else child.kill();
    };
    const timer = setTimeout(() => kill('timeout'), limits.timeoutMs);
    const onAbort = () => kill('cancelled');
    limits.signal.addEventListener('abort', onAbort, { once: true });
    if (limits.signal.aborted) onAbort();
    child.on('error', (error) => collect(Buffer.from(`\n${error.message}`)));
    child.on('close', (code) => {
      clearTimeout(timer);
      limits.signal.removeEventListener('abort', onAbort);
      resolve({ output, exitCode: code ?? undefined, stopped, via: 'process' });
    });
  });
}

/** Resolves undefined when `ended` settles first, else why the limits stopped it. */
function raceLimits(ended: Promise<unknown>, limits: Limits): Promise<'timeout' | 'cancelled' | undefined> {
  return new Promise((resolve) => {
    const finish = (value: 'timeout' | 'cancelled' | undefined) => {
      clearTimeout(timer);
      limits.signal.removeEventListener('abort', onAbort);
      resolve(value);
    };
    const timer = setTimeout(() => finish('timeout'), limits.timeoutMs);
    const onAbort = () => finish('cancelled');
    if (limits.signal.aborted) return finish('cancelled');
    limits.signal.addEventListener('abort', onAbort, { once: true });
    void ended.then(() => finish(undefined)); // `ended` only resolves; finish() ignores a second call
  });
}
