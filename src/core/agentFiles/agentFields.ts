// Field-by-field checks shared by the Markdown and the Foundry YAML formats. Each throws an AgentFileError naming
// the file and the field, so a typo in one agent file reads as a clear problem instead of a crash.

import type { AgentModel, AgentTool, ApprovalPolicy, TruncationStrategy } from '../domain/agent';
import type { Metadata } from '../domain/common';
import { AgentFileError } from './agentFileErrors';

/** Reads the fields of one parsed document, reporting problems against `file`. */
export class FieldReader {
  constructor(
    readonly file: string,
    private readonly doc: Record<string, unknown>,
  ) {}

  fail(problem: string): never {
    throw new AgentFileError('invalid_agent_file', this.file, problem);
  }

  /** Fails on keys the format does not define, so misspelt settings are not silently ignored. */
  rejectUnknown(known: readonly string[]): void {
    const unknown = Object.keys(this.doc).filter((key) => !known.includes(key));
    if (unknown.length) this.fail(`unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; expected ${known.join(', ')}`);
  }

  has(key: string): boolean {
    return this.doc[key] !== undefined && this.doc[key] !== null;
  }

  raw(key: string): unknown {
    return this.doc[key];
  }

  requiredString(key: string): string {
    const value = this.doc[key];
    if (typeof value !== 'string' || !value.trim()) this.fail(`"${key}" is required and must be text`);
    return value;
  }

  optionalString(key: string): string | null {
    if (!this.has(key)) return null;
    const value = this.doc[key];
    if (typeof value !== 'string') this.fail(`"${key}" must be text`);
    return value;
  }

  optionalNumber(key: string, min: number, max: number): number | null {
    if (!this.has(key)) return null;
    const value = this.doc[key];
    if (typeof value !== 'number' || !(value >= min && value <= max))
      this.fail(`"${key}" must be a number from ${min} to ${max} (got ${JSON.stringify(value)})`);
    return value;
  }

  /** One of `choices`, or null when absent. */
  optionalChoice<T extends string>(key: string, choices: readonly T[]): T | null {
    if (!this.has(key)) return null;
    const value = this.doc[key];
    if (!choices.includes(value as T)) this.fail(`"${key}" must be one of ${choices.join(', ')} (got ${JSON.stringify(value)})`);
    return value as T;
  }

  optionalTokens(key: string): number | null {
    if (!this.has(key)) return null;
    const value = this.doc[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
      this.fail(`"${key}" must be a whole number of tokens (got ${JSON.stringify(value)})`);
    return value;
  }

  metadata(key = 'metadata'): Metadata {
    if (!this.has(key)) return {};
    const value = this.doc[key];
    if (typeof value !== 'object' || Array.isArray(value)) this.fail(`"${key}" must be a map of text values`);
    const out: Metadata = {};
    for (const [name, item] of Object.entries(value as Record<string, unknown>)) {
      if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') this.fail(`"${key}.${name}" must be text`);
      out[name] = String(item);
    }
    return out;
  }
}

/** `profile/name` or `{profile, name}` → AgentModel. */
export function parseModel(fields: FieldReader): AgentModel {
  const value = fields.raw('model');
  if (typeof value === 'string') {
    const slash = value.indexOf('/');
    if (slash > 0 && slash < value.length - 1) return { profile: value.slice(0, slash).trim(), name: value.slice(slash + 1).trim() };
  } else if (typeof value === 'object' && value !== null) {
    const { profile, name } = value as Record<string, unknown>;
    if (typeof profile === 'string' && profile && typeof name === 'string' && name) return { profile, name };
  }
  return fields.fail(`"model" must be "profile/name" (for example "azure/gpt-4o") or {profile, name} (got ${JSON.stringify(value)})`);
}

/** A list of tool names or `{name, approval}` entries → tools plus their approval policies. */
export function parseTools(fields: FieldReader): { tools: AgentTool[]; approval_policy: Record<string, ApprovalPolicy> } {
  const tools: AgentTool[] = [];
  const approval_policy: Record<string, ApprovalPolicy> = {};
  if (!fields.has('tools')) return { tools, approval_policy };
  const value = fields.raw('tools');
  if (!Array.isArray(value)) fields.fail('"tools" must be a list of tool names or {name, approval}');
  value.forEach((entry: unknown, i) => {
    if (typeof entry === 'string' && entry) return void tools.push({ name: entry });
    const { name, approval } = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    if (typeof name !== 'string' || !name) fields.fail(`tools[${i}] must be a tool name or {name, approval}`);
    tools.push({ name });
    if (approval === undefined) return;
    if (approval !== 'ask' && approval !== 'auto' && approval !== 'deny')
      fields.fail(`tools[${i}].approval must be ask, auto or deny (got ${JSON.stringify(approval)})`);
    approval_policy[name] = approval;
  });
  return { tools, approval_policy };
}

/** `auto` or `{last_messages: n}` → TruncationStrategy. */
export function parseTruncation(fields: FieldReader): TruncationStrategy {
  const value = fields.raw('truncation');
  if (value === undefined || value === null || value === 'auto') return { type: 'auto' };
  const n = typeof value === 'object' ? (value as Record<string, unknown>).last_messages : undefined;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
    fields.fail(`"truncation" must be auto or {last_messages: 1 or more} (got ${JSON.stringify(value)})`);
  return { type: 'last_messages', last_messages: n };
}
