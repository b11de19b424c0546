// The part of a compaction summary that code builds from the thread itself, not the model: which files were changed
// or read, every tool call with its outcome, the calls the user or the policy refused, and the errors. A model asked
// to summarize forgets finished work; this part cannot.

import type { Message } from '../domain/message';
import { WorkspaceToolName } from '../tools/toolNames';
import { isSummary } from './summaryRecord';

export type ToolOutcome = 'done' | 'failed' | 'denied by the user' | 'refused by policy' | 'not run';

/** One tool call as the summary lists it. */
export interface ToolCallFact {
  name: string;
  /** The file, command or query the call was about, or its shortened arguments. */
  target: string;
  outcome: ToolOutcome;
}

/** What code can tell about a stretch of a thread without a model. */
export interface ThreadFacts {
  filesChanged: string[];
  filesRead: string[];
  toolCalls: ToolCallFact[];
  errors: string[];
}

const CHANGING_TOOLS: ReadonlySet<string> = new Set([
  WorkspaceToolName.createFile,
  WorkspaceToolName.editFile,
  WorkspaceToolName.deleteFile,
]);
const TARGET_KEYS = ['path', 'command', 'query', 'glob', 'search'] as const;
const TARGET_LENGTH = 120;

/** Collects the facts of `messages` (oldest first); summary messages among them are skipped. */
export function collectFacts(messages: Iterable<Message>): ThreadFacts {
  const changed = new Set<string>();
  const read = new Set<string>();
  const toolCalls: ToolCallFact[] = [];
  const errors: string[] = [];
  for (const message of messages) {
    if (isSummary(message)) continue;
    if (message.incomplete_details?.reason === 'run_failed') errors.push(`An answer was cut off because its run failed (${message.id}).`);
    for (const call of message.tool_calls ?? []) {
      const args = parseArguments(call.function.arguments);
      const path = typeof args?.path === 'string' ? args.path : undefined;
      const outcome = outcomeOf(call.function.output);
      if (path && outcome === 'done') (CHANGING_TOOLS.has(call.function.name) ? changed : read).add(path);
      toolCalls.push({ name: call.function.name, target: targetOf(args, call.function.arguments), outcome });
      if (outcome === 'failed') errors.push(`${call.function.name} failed: ${firstLine(call.function.output ?? '')}`);
    }
  }
  return { filesChanged: [...changed], filesRead: [...read].filter((path) => !changed.has(path)), toolCalls, errors };
}

/** The outcome a tool call's output says (the run engine writes fixed texts for calls that did not run). */
export function outcomeOf(output: string | null): ToolOutcome {
  if (output === null || output.startsWith('No result:') || output.startsWith('Not run:')) return 'not run';
  if (output.startsWith('Error: the user denied')) return 'denied by the user';
  if (/^Error: the tool '[^']*' is denied by policy/.test(output)) return 'refused by policy';
  if (output.startsWith('Error')) return 'failed';
  return 'done';
}

/** Limits that keep the record readable and small enough to send with every later run. */
export interface FactLimits {
  /** Tool calls listed one per line; older ones are counted per tool. */
  calls: number;
  files: number;
  errors: number;
}

export const DEFAULT_FACT_LIMITS: FactLimits = { calls: 200, files: 200, errors: 20 };

/**
 * The facts as a Markdown list (one item per kind, so they read as lines wherever Markdown is rendered), newest tool
 * calls listed and older ones counted, so none goes unmentioned.
 */
export function renderFacts(facts: ThreadFacts, limits: FactLimits = DEFAULT_FACT_LIMITS): string {
  const lines = ['**Record of the summarized messages** (built from the thread log, not by the model)', ''];
  lines.push(`- Files changed: ${listOrNone(facts.filesChanged, limits.files)}`);
  lines.push(`- Files read: ${listOrNone(facts.filesRead, limits.files)}`);
  const refused = facts.toolCalls.filter((call) => call.outcome === 'denied by the user' || call.outcome === 'refused by policy');
  lines.push(
    `- Approvals: ${refused.length ? refused.map((call) => `${callLabel(call)} ${call.outcome}`).join('; ') : 'no call was refused'}`,
  );
  lines.push(`- Tool calls (${facts.toolCalls.length})${facts.toolCalls.length ? ':' : ''}`);
  const shown = facts.toolCalls.slice(-limits.calls);
  const older = facts.toolCalls.slice(0, facts.toolCalls.length - shown.length);
  if (older.length) lines.push(`  - ${older.length} earlier calls: ${countsByName(older)}`);
  for (const call of shown) lines.push(`  - ${callLabel(call)}: ${call.outcome}`);
  if (facts.errors.length) {
    lines.push(`- Errors (${facts.errors.length}):`);
    for (const error of facts.errors.slice(-limits.errors)) lines.push(`  - ${error}`);
  }
  return lines.join('\n');
}

function callLabel(call: ToolCallFact): string {
  return call.target ? `${call.name} \`${call.target}\`` : call.name;
}

function listOrNone(items: string[], limit: number): string {
  if (!items.length) return 'none';
  const shown = items.slice(0, limit).map((item) => `\`${item}\``);
  return items.length > limit ? `${shown.join(', ')} and ${items.length - limit} more` : shown.join(', ');
}

function countsByName(calls: ToolCallFact[]): string {
  const counts = new Map<string, number>();
  for (const call of calls) counts.set(call.name, (counts.get(call.name) ?? 0) + 1);
  return [...counts].map(([name, count]) => `${name} ×${count}`).join(', ');
}

function parseArguments(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function targetOf(args: Record<string, unknown> | undefined, raw: string): string {
  const key = TARGET_KEYS.find((name) => typeof args?.[name] === 'string');
  const text = key ? String(args![key]) : raw.trim() === '{}' ? '' : raw;
  return shorten(firstLine(text));
}

function firstLine(text: string): string {
  return shorten(text.split('\n', 1)[0].replace(/`/g, "'"));
}

function shorten(text: string): string {
  return text.length > TARGET_LENGTH ? `${text.slice(0, TARGET_LENGTH - 1)}…` : text;
}
