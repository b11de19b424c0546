import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { agentDefaults, type Agent, type AgentInput, type AgentUpdate } from '../domain/agent';
import { nowSeconds } from '../domain/common';
import { StoreError } from '../domain/errors';
import { assertValidId, isValidId, newId } from '../domain/ids';
import { Emitter } from '../util/emitter';
import { atomicWrite, readJsonFile } from './atomicWrite';
import { validateAgent } from './agentValidation';
import { toStoreError } from './storageErrors';
import { errnoCode } from '../util/errors';

export type AgentChange = { type: 'created' | 'updated' | 'deleted'; agentId: string; version?: number };

const VERSION_FILE = /^v(\d{6,})\.json$/;

function versionFile(version: number): string {
  return `v${String(version).padStart(6, '0')}.json`;
}

/**
 * Agents as small JSON documents, one file per version under `<root>/agents/<id>/`, each written atomically.
 * A version file is created with link(), which refuses to overwrite, so two windows updating at once both succeed
 * with different version numbers instead of one silently replacing the other.
 */
export class AgentStore {
  private readonly changed = new Emitter<AgentChange>();
  /** Fires when an agent is created, updated or deleted through this store. */
  readonly onDidChangeAgents = this.changed.event;
  private readonly folder: string;

  constructor(
    private readonly root: string,
    private readonly knownTools: ReadonlySet<string>,
  ) {
    this.folder = join(root, 'agents');
  }

  /** Validates and stores a new agent as version 1. */
  async create(input: AgentInput): Promise<Agent> {
    const at = nowSeconds();
    const agent: Agent = {
      ...agentDefaults(),
      ...input,
      id: newId('asst'),
      object: 'assistant',
      version: 1,
      created_at: at,
      updated_at: at,
    };
    validateAgent(agent, this.knownTools);
    try {
      await fs.mkdir(this.agentFolder(agent.id), { recursive: true });
      await atomicWrite(join(this.agentFolder(agent.id), versionFile(1)), JSON.stringify(agent, null, 2), { exclusive: true });
    } catch (err) {
      throw toStoreError(err, 'save the agent', this.root);
    }
    this.changed.fire({ type: 'created', agentId: agent.id, version: 1 });
    return agent;
  }

  /** The latest version of an agent. */
  async get(agentId: string): Promise<Agent> {
    const versions = await this.versionNumbers(agentId);
    if (!versions.length) throw notFound(agentId);
    return this.getVersion(agentId, versions[versions.length - 1]);
  }

  /** One stored version of an agent. */
  async getVersion(agentId: string, version: number): Promise<Agent> {
    assertValidId('asst', agentId);
    if (!Number.isInteger(version) || version < 1) throw new StoreError('agent_not_found', `Agent ${agentId} has no version ${version}.`);
    let agent: unknown;
    try {
      agent = await readJsonFile(join(this.agentFolder(agentId), versionFile(version)));
    } catch (err) {
      throw toStoreError(err, 'read the agent', this.root);
    }
    if (agent === undefined) throw new StoreError('agent_not_found', `Agent ${agentId} has no version ${version}.`);
    return agent as Agent;
  }

  /** Every version of an agent, oldest first. */
  async listVersions(agentId: string): Promise<Agent[]> {
    const versions = await this.versionNumbers(agentId);
    if (!versions.length) throw notFound(agentId);
    return Promise.all(versions.map((version) => this.getVersion(agentId, version)));
  }

  /** The latest version of every agent, by name. */
  async list(): Promise<Agent[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.folder);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return [];
      throw toStoreError(err, 'list agents', this.root);
    }
    const agents = await Promise.all(names.filter((name) => isValidId('asst', name)).map((id) => this.get(id).catch(() => undefined)));
    return agents
      .filter((agent): agent is Agent => agent !== undefined)
      .sort((a, b) => a.name.localeCompare(b.name) || a.created_at - b.created_at);
  }

  /** Validates the changed agent and stores it as a new version; older versions stay listable. */
  async update(agentId: string, update: AgentUpdate): Promise<Agent> {
    for (;;) {
      const current = await this.get(agentId);
      const next: Agent = {
        ...current,
        ...update,
        id: current.id,
        object: 'assistant',
        version: current.version + 1,
        created_at: current.created_at,
        updated_at: nowSeconds(),
      };
      validateAgent(next, this.knownTools);
      try {
        await atomicWrite(join(this.agentFolder(agentId), versionFile(next.version)), JSON.stringify(next, null, 2), { exclusive: true });
      } catch (err) {
        if (errnoCode(err) === 'EEXIST') continue; // another window wrote this version first: rebase on it
        if (errnoCode(err) === 'ENOENT') throw notFound(agentId);
        throw toStoreError(err, 'save the agent', this.root);
      }
      this.changed.fire({ type: 'updated', agentId, version: next.version });
      return next;
    }
  }

  /** Deletes an agent with all its versions. */
  async delete(agentId: string): Promise<void> {
    assertValidId('asst', agentId);
    const doomed = join(this.root, 'trash', `${agentId}-${randomBytes(4).toString('hex')}`);
    try {
      await fs.mkdir(join(this.root, 'trash'), { recursive: true });
      await fs.rename(this.agentFolder(agentId), doomed);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') throw notFound(agentId);
      throw toStoreError(err, 'delete the agent', this.root);
    }
    await fs.rm(doomed, { recursive: true, force: true });
    this.changed.fire({ type: 'deleted', agentId });
  }

  /** The storage folder; a merge stages copies inside it so that one rename moves an agent in. */
  get storageRoot(): string {
    return this.root;
  }

  /** The version numbers stored for an agent, oldest first (none when it does not exist). */
  versions(agentId: string): Promise<number[]> {
    return this.versionNumbers(agentId);
  }

  /** The bytes of one stored version, as written (a merge compares versions byte for byte). */
  async versionBytes(agentId: string, version: number): Promise<Buffer | undefined> {
    try {
      return await fs.readFile(join(this.agentFolder(agentId), versionFile(version)));
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return undefined;
      throw toStoreError(err, 'read the agent', this.root);
    }
  }

  /**
   * Moves an agent folder prepared on the same volume (a merge's staging copy of its version files) into the store with
   * one rename. Fails with `invalid_id` when an agent of that id exists: nothing is ever replaced.
   */
  async adoptAgent(folder: string, agentId: string): Promise<void> {
    const target = this.agentFolder(agentId);
    try {
      await fs.mkdir(this.folder, { recursive: true });
      if (
        await fs.stat(target).then(
          () => true,
          () => false,
        )
      )
        throw new StoreError('invalid_id', `An agent with id ${agentId} already exists.`);
      await fs.rename(folder, target);
    } catch (err) {
      if (errnoCode(err) === 'ENOTEMPTY') throw new StoreError('invalid_id', `An agent with id ${agentId} already exists.`);
      throw toStoreError(err, 'add a merged agent', this.root);
    }
    this.changed.fire({ type: 'created', agentId });
  }

  /**
   * Adds a version written elsewhere (a merge) exactly as given. Returns false, writing nothing, when the agent
   * already has that version: versions are never replaced.
   */
  async addVersionBytes(agentId: string, version: number, data: Buffer): Promise<boolean> {
    try {
      await atomicWrite(join(this.agentFolder(agentId), versionFile(version)), data, { exclusive: true });
    } catch (err) {
      if (errnoCode(err) === 'EEXIST') return false;
      throw toStoreError(err, 'save the agent', this.root);
    }
    this.changed.fire({ type: 'updated', agentId, version });
    return true;
  }

  /** Removes every event listener. */
  dispose(): void {
    this.changed.dispose();
  }

  private agentFolder(agentId: string): string {
    assertValidId('asst', agentId);
    return join(this.folder, agentId);
  }

  private async versionNumbers(agentId: string): Promise<number[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.agentFolder(agentId));
    } catch (err) {
      if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') return [];
      throw toStoreError(err, 'read the agent', this.root);
    }
    return names
      .flatMap((name) => {
        const match = VERSION_FILE.exec(name);
        return match ? [Number(match[1])] : [];
      })
      .sort((a, b) => a - b);
  }
}

function notFound(agentId: string): StoreError {
  return new StoreError('agent_not_found', `Agent ${agentId} does not exist (it may have been deleted in another window).`);
}
