// The agent editor's document: one agent's form as the custom editor edits it, with the edits VS Code needs to mark
// the tab unsaved, undo and redo them, back them up and revert them. Agents live in the store, not in files, so the
// document's URI is a virtual one (`agent-threads-agent:/<name>?<agentId>`: the name is what the tab and its
// breadcrumb show, the agent id stays out of sight in the query).

import * as vscode from 'vscode';
import type { AgentRepository } from '../../core/backend';
import type { AgentForm } from '../../protocol/agentEditor';
import { fromAgentForm, toAgentForm } from './agentForm';

/** The scheme of agent documents. */
export const AGENT_SCHEME = 'agent-threads-agent';

/** Typing into one field within this long is one undo step, as in a text editor, not one step a keystroke. */
const BURST_MS = 1000;

/** The URI the agent editor opens for an agent; its path, the agent's name, is the tab's label. */
export function agentDocumentUri(agentId: string, name: string): vscode.Uri {
  const label = name.replace(/[/\\]/g, '-').trim() || agentId;
  return vscode.Uri.from({ scheme: AGENT_SCHEME, path: `/${label}`, query: agentId });
}

/** The agent id of an agent document URI. */
export function agentIdOf(uri: vscode.Uri): string {
  return uri.query;
}

/** One change of the form as VS Code's undo stack holds it. */
export interface AgentDocumentEdit {
  label: string;
  undo(): void;
  redo(): void;
}

interface Backup {
  form: AgentForm;
}

export class AgentDocument implements vscode.CustomDocument {
  private readonly edited = new vscode.EventEmitter<AgentDocumentEdit>();
  /** An edit VS Code should record: the tab becomes unsaved and Ctrl+Z can take it back. */
  readonly onDidEdit = this.edited.event;
  private readonly replaced = new vscode.EventEmitter<AgentForm>();
  /** The form changed without the webview doing it (undo, redo, revert): the webview must show it. */
  readonly onDidReplaceForm = this.replaced.event;
  private readonly disposed = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposed.event;
  /** The edit still taking keystrokes of the field being typed into. */
  private burst: { field: string; at: number; after: AgentForm } | undefined;
  /** Why the last save failed, for the form's status line (VS Code shows it in a notification too). */
  lastSaveError: string | undefined;

  private constructor(
    readonly uri: vscode.Uri,
    private readonly agents: AgentRepository,
    private current: AgentForm,
    /** The form as the store has it, to tell whether there is anything to save. */
    private saved: AgentForm,
    private savedVersion: number,
  ) {}

  /** Opens the agent's document: from a backup VS Code kept of unsaved changes, or as the store has it. */
  static async open(uri: vscode.Uri, agents: AgentRepository, backupId: string | undefined): Promise<AgentDocument> {
    const agent = await agents.get(agentIdOf(uri));
    const form = backupId ? await readBackup(vscode.Uri.parse(backupId)) : undefined;
    const stored = toAgentForm(agent);
    return new AgentDocument(uri, agents, form ?? stored, stored, agent.version);
  }

  get agentId(): string {
    return agentIdOf(this.uri);
  }

  get form(): AgentForm {
    return this.current;
  }

  get version(): number {
    return this.savedVersion;
  }

  /** Takes the webview's form after a change of `field`; keystrokes into one field in a burst make one edit. */
  edit(field: string, form: AgentForm): void {
    const now = Date.now();
    const before = this.current;
    this.current = form;
    const burst = this.burst;
    if (burst && burst.field === field && now - burst.at < BURST_MS) {
      burst.at = now;
      burst.after = form;
      return;
    }
    const step = { field, at: now, after: form };
    this.burst = step;
    this.edited.fire({
      label: vscode.l10n.t('Edit {0}', field),
      undo: () => this.replace(before),
      redo: () => this.replace(step.after),
    });
  }

  /** Saves the form as a new version of the agent; the store validates it and throws what is wrong. */
  async save(): Promise<void> {
    // VS Code may save a document that has not changed (a forced save); that is no reason for a new version.
    if (JSON.stringify(this.current) === JSON.stringify(this.saved)) return;
    try {
      const saved = await this.agents.update(this.agentId, fromAgentForm(this.current));
      this.savedVersion = saved.version;
      this.saved = this.current;
      this.lastSaveError = undefined;
      this.burst = undefined;
    } catch (error) {
      this.lastSaveError = error instanceof Error ? error.message : String(error);
      throw error;
    }
  }

  /** Shows the agent as the store has it, dropping unsaved changes. */
  async revert(): Promise<void> {
    const agent = await this.agents.get(this.agentId);
    this.savedVersion = agent.version;
    this.saved = toAgentForm(agent);
    this.replace(this.saved);
  }

  /** Writes the unsaved form where VS Code keeps backups, so a reload or crash does not lose it. */
  async backup(destination: vscode.Uri): Promise<vscode.CustomDocumentBackup> {
    const backup: Backup = { form: this.current };
    await vscode.workspace.fs.writeFile(destination, new TextEncoder().encode(JSON.stringify(backup)));
    return {
      id: destination.toString(),
      delete: () => void vscode.workspace.fs.delete(destination).then(undefined, () => undefined), // gone already is fine
    };
  }

  private replace(form: AgentForm): void {
    this.burst = undefined;
    this.current = form;
    this.replaced.fire(form);
  }

  dispose(): void {
    this.disposed.fire();
    this.edited.dispose();
    this.replaced.dispose();
    this.disposed.dispose();
  }
}

async function readBackup(uri: vscode.Uri): Promise<AgentForm | undefined> {
  try {
    const backup = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri))) as Partial<Backup>;
    return backup.form;
  } catch {
    return undefined; // an unreadable backup leaves the agent as stored, which is what there is
  }
}
