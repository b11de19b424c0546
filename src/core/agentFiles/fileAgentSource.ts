// Agents defined by files in a workspace's `.agents/` folder. They are read-only here (editing one means editing its
// file), carry an id derived from the file's path so threads keep pointing at them across reloads, and are marked
// metadata.source = 'file' with the relative path. A broken file is reported as a problem, never thrown at the UI.

import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Agent } from '../domain/agent';
import { StoreError } from '../domain/errors';
import { validateAgent } from '../store/agentValidation';
import { Emitter } from '../util/emitter';
import { type Logger, silentLogger } from '../util/logger';
import { AgentFileError } from './agentFileErrors';
import { agentFileKind, parseAgentFile } from './agentFileFormat';
import { errnoCode, errorMessage } from '../util/errors';

/** The folder, inside a workspace folder, that holds agent files. */
export const AGENTS_FOLDER = '.agents';
const FILE_ID_PREFIX = 'asst_file';

/** The stable agent id of the file at `relativePath` (forward slashes), e.g. `asst_file3f9c…`. */
export function fileAgentId(relativePath: string): string {
  return FILE_ID_PREFIX + createHash('sha256').update(relativePath).digest('hex').slice(0, 24);
}

/** Whether an agent id names a file agent (so the store is not asked about it). */
export function isFileAgentId(id: string): boolean {
  return id.startsWith(FILE_ID_PREFIX) && id.length === FILE_ID_PREFIX.length + 24;
}

/** Whether an agent came from a file (and so cannot be edited or deleted in the store). */
export function isFileAgent(agent: Pick<Agent, 'metadata'>): boolean {
  return agent.metadata?.source === 'file';
}

export interface FileAgentSourceOptions {
  /** The workspace folder whose `.agents/` folder is read. */
  workspaceFolder: string;
  /** Tool names the registry knows (read at each reload, as tools may register later); a file naming another tool is reported as a problem. */
  knownTools: ReadonlySet<string> | (() => ReadonlySet<string>);
  logger?: Logger;
}

/** Loads every `*.agent.md|yaml|yml` under `<workspace>/.agents/` and keeps them until the next reload. */
export class FileAgentSource {
  private readonly changed = new Emitter<void>();
  /** Fires after every reload. */
  readonly onDidChange = this.changed.event;
  private agents = new Map<string, Agent>();
  private errors: AgentFileError[] = [];
  private loading: Promise<void> = Promise.resolve();
  private readonly logger: Logger;

  constructor(private readonly options: FileAgentSourceOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  /** The folder the source reads. */
  get folder(): string {
    return join(this.options.workspaceFolder, AGENTS_FOLDER);
  }

  /** Reads the folder again; reloads are queued so a burst of file events ends with the latest state. */
  reload(): Promise<void> {
    this.loading = this.loading.then(() => this.load());
    return this.loading;
  }

  /** The file agents from the last reload, by name. */
  list(): Agent[] {
    return [...this.agents.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The file agent with this id, or undefined. */
  get(agentId: string): Agent | undefined {
    return this.agents.get(agentId);
  }

  /** The files the last reload could not use, each with the file and the problem in its message. */
  problems(): readonly AgentFileError[] {
    return this.errors;
  }

  /** Removes every listener. */
  dispose(): void {
    this.changed.dispose();
  }

  private async load(): Promise<void> {
    const agents = new Map<string, Agent>();
    const errors: AgentFileError[] = [];
    for (const path of await listAgentFiles(this.folder)) {
      const rel = relative(this.options.workspaceFolder, path).split(sep).join('/');
      try {
        const agent = await this.readAgent(path, rel);
        agents.set(agent.id, agent);
      } catch (error) {
        const problem = error instanceof AgentFileError ? error : new AgentFileError('agent_file_unreadable', rel, errorMessage(error));
        errors.push(problem);
        this.logger.warn(`Agent file skipped: ${problem.message}`);
      }
    }
    this.agents = agents;
    this.errors = errors;
    this.changed.fire();
  }

  private async readAgent(path: string, rel: string): Promise<Agent> {
    const [text, stat] = await Promise.all([fs.readFile(path, 'utf8'), fs.stat(path)]);
    const definition = parseAgentFile(rel, text);
    const at = Math.floor(stat.mtimeMs / 1000);
    const agent: Agent = {
      ...definition,
      id: fileAgentId(rel),
      object: 'assistant',
      version: 1,
      tool_settings: {},
      response_format: 'auto',
      metadata: { ...definition.metadata, source: 'file', source_path: rel },
      created_at: Math.floor(stat.birthtimeMs / 1000) || at,
      updated_at: at,
    };
    try {
      const known = this.options.knownTools;
      validateAgent(agent, typeof known === 'function' ? known() : known);
    } catch (error) {
      if (error instanceof StoreError) throw new AgentFileError('invalid_agent_file', rel, error.message.replace(/^Invalid agent: /, ''));
      throw error;
    }
    return agent;
  }
}

/** Every agent file under `folder`, recursively, in a stable order; an absent folder has none. */
async function listAgentFiles(folder: string): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(folder, { withFileTypes: true, recursive: true });
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return [];
    throw error;
  }
  return entries
    .filter((entry) => entry.isFile() && agentFileKind(entry.name) !== undefined)
    .map((entry) => join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name))
    .sort();
}
