// Tools the model may call, with their argument schemas. Arguments are validated before a tool runs and every
// failure becomes text the model reads, so a bad call costs the model a retry, never the run.

import type Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import type { ChatTool, JsonSchemaObject } from '../model/types';
import { redactKnownSecrets } from '../util/secretRedaction';
import { errorMessage } from '../util/errors';

/** What a tool gets besides its arguments: where it runs, and a signal that aborts when the run is cancelled. */
export interface ToolInvocationContext {
  threadId: string;
  runId: string;
  signal: AbortSignal;
}

/** A tool the model can call. */
export interface ToolDefinition {
  name: string;
  description: string;
  parameters: JsonSchemaObject;
  /** Read-only tools run without asking unless an agent's policy says otherwise; others wait for approval. */
  readOnly: boolean;
  /**
   * A tool for tests and development (echo): registered, so agents that name it keep working, but not offered to
   * people choosing an agent's tools.
   */
  devOnly?: boolean;
  invoke(args: unknown, context: ToolInvocationContext): Promise<string>;
  /**
   * Says when one call must be approved by the user whatever the agent's policy or the thread's "always allow" say
   * (a protected path, say). Gets arguments already validated against `parameters`. A deny policy still denies.
   */
  approvalFor?(args: unknown): Promise<ForcedApproval | undefined>;
  /** A one-line account of what a call will do ("edit src/a.ts: 2 replacements"), shown on the approval card. */
  describeCall?(args: unknown): string | undefined;
  /** For tools that change a file's text: the file and its text before and after the call, for a diff before approval. */
  proposeChange?(args: unknown): Promise<ProposedFileChange>;
  /**
   * Says why the tool cannot run at all right now (Restricted Mode), or undefined when it can. A call then fails
   * with this text at once: asking the user to approve something that would be refused anyway wastes their time.
   */
  unavailableReason?(): string | undefined;
}

/** The change a call would make to one file's text; `before` is undefined when the call creates the file. */
export interface ProposedFileChange {
  absolute: string;
  before: string | undefined;
  after: string;
}

/** A call that needs the user's approval regardless of policy, and why. */
export interface ForcedApproval {
  forced: true;
  reason: string;
}

/** The outcome of one call: `output` is what the model sees, also when the call failed. */
export interface ToolResult {
  ok: boolean;
  output: string;
}

/** Tool output longer than this is cut, so one verbose tool cannot fill the context window. */
export const DEFAULT_MAX_OUTPUT_CHARS = 32 * 1024;

interface RegisteredTool {
  definition: ToolDefinition;
  /** Compiled on the first call, not at registration: ajv and its code generation would cost activation time. */
  validate?: ValidateFunction;
}

/** The tools known to the extension, by name. */
export class ToolRegistry {
  private readonly tools = new Map<string, RegisteredTool>();
  private ajv: Ajv | undefined;

  /**
   * @param knownSecrets the API keys the user stored: a tool's output (a command printing an environment variable,
   *   a file holding a key) is redacted before the model, the thread or an export sees it.
   */
  constructor(
    private readonly maxOutputChars = DEFAULT_MAX_OUTPUT_CHARS,
    private readonly knownSecrets: () => Promise<readonly string[]> = () => Promise.resolve([]),
  ) {}

  /** Adds a tool; its schema is compiled on the first call (a schema ajv cannot compile fails that call, saying why). */
  register(definition: ToolDefinition): void {
    if (this.tools.has(definition.name)) throw new Error(`A tool named '${definition.name}' is already registered.`);
    if (!/^[a-zA-Z0-9_-]{1,64}$/.test(definition.name)) {
      throw new Error(`Tool name '${definition.name}' must be 1 to 64 letters, digits, '_' or '-' (the model APIs require it).`);
    }
    this.tools.set(definition.name, { definition });
  }

  /** The tool registered under `name`, if any. */
  get(name: string): ToolDefinition | undefined {
    return this.tools.get(name)?.definition;
  }

  /** Every registered tool, in registration order. */
  list(): ToolDefinition[] {
    return [...this.tools.values()].map((tool) => tool.definition);
  }

  /** Names of every registered tool (what AgentStore accepts in an agent's tools). */
  names(): Set<string> {
    return new Set(this.tools.keys());
  }

  /** The model-facing declarations of the named tools that are registered. */
  chatTools(names: readonly string[]): ChatTool[] {
    return names.flatMap((name) => {
      const tool = this.get(name);
      return tool ? [{ name: tool.name, description: tool.description, parameters: tool.parameters }] : [];
    });
  }

  /** Whether this call must be approved whatever the policy; arguments that fail validation force nothing (they fail when run). */
  async forcedApproval(name: string, rawArguments: string): Promise<ForcedApproval | undefined> {
    const tool = this.tools.get(name);
    const args = tool && this.validArguments(tool, rawArguments);
    if (!tool?.definition.approvalFor || args === undefined) return undefined;
    try {
      return await tool.definition.approvalFor(args);
    } catch (error) {
      // When the check itself breaks, asking the user is the safe side.
      return { forced: true, reason: `the approval check failed (${errorMessage(error)})` };
    }
  }

  /** The tool's own account of a call for the approval card, if it gives one and the arguments are valid. */
  describeCall(name: string, rawArguments: string): string | undefined {
    const tool = this.tools.get(name);
    const args = tool && this.validArguments(tool, rawArguments);
    if (!tool?.definition.describeCall || args === undefined) return undefined;
    try {
      return tool.definition.describeCall(args);
    } catch {
      return undefined; // the card falls back to the raw arguments
    }
  }

  /**
   * The change a call would make to a file's text, for tools that propose one (undefined for the others). Throws
   * when the arguments do not match the tool's schema: there is no change to show for a call that cannot run.
   */
  async proposedChange(name: string, rawArguments: string): Promise<ProposedFileChange | undefined> {
    const tool = this.tools.get(name);
    if (!tool?.definition.proposeChange) return undefined;
    const args = this.validArguments(tool, rawArguments);
    if (args === undefined) throw new Error(`The arguments for '${name}' do not match its schema, so there is no change to show.`);
    return tool.definition.proposeChange(args);
  }

  private validArguments(tool: RegisteredTool, rawArguments: string): unknown {
    const parsed = parseToolArguments(rawArguments);
    try {
      return parsed.ok && this.validatorOf(tool)(parsed.value) ? parsed.value : undefined;
    } catch {
      return undefined; // a schema ajv cannot compile: the call fails when run, saying so
    }
  }

  private validatorOf(tool: RegisteredTool): ValidateFunction {
    return (tool.validate ??= this.compiler().compile(tool.definition.parameters));
  }

  private compiler(): Ajv {
    // Loaded on the first validation, not at activation (in the bundle the require runs ajv's module code then).
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load; `import()` would make validation async
    this.ajv ??= new (require('ajv') as typeof import('ajv')).default({ allErrors: true, strict: false });
    return this.ajv;
  }

  /** Parses, validates and runs one call; never throws for the tool's or the model's mistakes. Outputs hold no known secret. */
  async invoke(name: string, rawArguments: string, context: ToolInvocationContext): Promise<ToolResult> {
    const result = await this.invokeUnredacted(name, rawArguments, context);
    const secrets = await this.knownSecrets().catch(() => []);
    return { ...result, output: redactKnownSecrets(result.output, secrets) };
  }

  private async invokeUnredacted(name: string, rawArguments: string, context: ToolInvocationContext): Promise<ToolResult> {
    const tool = this.tools.get(name);
    if (!tool) return failure(`Error: there is no tool named '${name}'. Available tools: ${[...this.tools.keys()].join(', ') || 'none'}.`);
    const parsed = parseToolArguments(rawArguments);
    if (!parsed.ok)
      return failure(`Error: the arguments for '${name}' are not valid JSON (${parsed.reason}). Call the tool again with a JSON object.`);
    let validate: ValidateFunction;
    try {
      validate = this.validatorOf(tool);
    } catch (error) {
      return failure(`Error: '${name}' cannot be used: its argument schema is invalid (${errorMessage(error)}).`);
    }
    if (!validate(parsed.value)) {
      const problems = this.compiler().errorsText(validate.errors, { dataVar: 'arguments' });
      return failure(
        `Error: the arguments for '${name}' do not match its schema: ${problems}. Call the tool again with corrected arguments.`,
      );
    }
    try {
      const output = await tool.definition.invoke(parsed.value, context);
      return { ok: true, output: this.capped(typeof output === 'string' ? output : String(output)) };
    } catch (error) {
      if (context.signal.aborted) return failure(`Error: '${name}' was stopped because the run was cancelled.`);
      const message = errorMessage(error);
      return failure(this.capped(`Error: '${name}' failed: ${message}`));
    }
  }

  private capped(output: string): string {
    if (output.length <= this.maxOutputChars) return output;
    const cut = output.length - this.maxOutputChars;
    return `${output.slice(0, this.maxOutputChars)}\n[Output truncated: the last ${cut} of ${output.length} characters were cut.]`;
  }
}

function failure(output: string): ToolResult {
  return { ok: false, output };
}

/** Parses a tool call's raw argument text; models send "" for tools without parameters. */
export function parseToolArguments(raw: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (raw.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : 'unparseable' };
  }
}
