// The agent editor: a VS Code custom editor over one agent, so that VS Code itself marks the tab unsaved, asks
// Save / Don't Save / Cancel when a changed agent is closed, undoes form edits with Ctrl+Z and saves with Ctrl+S.
// Saving makes a new version of the agent.

import * as vscode from 'vscode';
import type { Agent } from '../../core/domain';
import type { AgentRepository } from '../../core/backend';
import { FOUNDRY_PROFILE } from '../../core/backend/foundry/endpoint';
import type { AgentChange } from '../../core/store/agentStore';
import type { ToolRegistry } from '../../core/tools/toolRegistry';
import { isAgentEditorMessage, type AgentEditorRequests, type AgentFormOptions, type HostToAgentEditor } from '../../protocol/agentEditor';
import { errorMessage } from '../shared/errors';
import { DisposableStore } from '../../core/util/disposableStore';
import type { ModelRegistry } from '../models/modelRegistry';
import { AGENT_SCHEME, AgentDocument, agentDocumentUri, agentIdOf } from './agentDocument';
import { renderWebviewHtml, webviewOptions } from './webviewHtml';
import { replier } from './webviewReplies';

/** Set to 1 (tests, development) to offer tools marked devOnly, such as echo, in the editor's tool list. */
export const DEV_TOOLS_ENV = 'AGENT_THREADS_DEV_TOOLS';

export class AgentEditorProvider implements vscode.CustomEditorProvider<AgentDocument> {
  static readonly viewType = 'agentThreads.agentEditor';
  private readonly changed = new vscode.EventEmitter<vscode.CustomDocumentEditEvent<AgentDocument>>();
  readonly onDidChangeCustomDocument = this.changed.event;
  private readonly panels = new Map<AgentDocument, vscode.WebviewPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly agents: AgentRepository,
    private readonly models: ModelRegistry,
    private readonly tools: ToolRegistry,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Registers the editor; the returned disposable unregisters it. */
  register(): vscode.Disposable {
    return vscode.window.registerCustomEditorProvider(AgentEditorProvider.viewType, this, {
      supportsMultipleEditorsPerDocument: false,
    });
  }

  /** Opens the agent's editor, or brings forward the one already open (its tab may carry an older name). */
  async open(agentId: string): Promise<void> {
    const open = vscode.window.tabGroups.all
      .flatMap((group) => group.tabs)
      .map((tab) => tab.input)
      .find(
        (input): input is vscode.TabInputCustom =>
          input instanceof vscode.TabInputCustom &&
          input.viewType === AgentEditorProvider.viewType &&
          input.uri.scheme === AGENT_SCHEME &&
          agentIdOf(input.uri) === agentId,
      );
    const uri = open?.uri ?? agentDocumentUri(agentId, (await this.agents.get(agentId)).name);
    await vscode.commands.executeCommand('vscode.openWith', uri, AgentEditorProvider.viewType);
  }

  async openCustomDocument(uri: vscode.Uri, context: vscode.CustomDocumentOpenContext): Promise<AgentDocument> {
    const document = await AgentDocument.open(uri, this.agents, context.backupId);
    const edits = document.onDidEdit((edit) => this.changed.fire({ document, ...edit }));
    document.onDidDispose(() => {
      edits.dispose();
    });
    return document;
  }

  resolveCustomEditor(document: AgentDocument, panel: vscode.WebviewPanel): void {
    panel.webview.options = webviewOptions(this.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'agent-threads.svg');
    panel.webview.html = renderWebviewHtml(panel.webview, this.extensionUri, 'agent', `Agent: ${document.form.name}`);
    // Fire-and-forget: a closed panel answers false and has no one left to tell.
    const post = (message: HostToAgentEditor) => void panel.webview.postMessage(message);
    const reply = replier<AgentEditorRequests>(post);
    const subscriptions = new DisposableStore();
    subscriptions.add(document.onDidReplaceForm((form) => post({ type: 'setForm', form })));
    subscriptions.add(
      panel.webview.onDidReceiveMessage(async (message: unknown) => {
        if (!isAgentEditorMessage(message)) return;
        if (message.type === 'ready') return post({ type: 'agentForm', form: document.form, options: await this.options(document) });
        if (message.type === 'edit') return document.edit(message.field, message.form);
        await reply(message, async () => {
          // Through VS Code, as Ctrl+S does, so the tab's unsaved mark goes too.
          const saved = await vscode.workspace.save(document.uri);
          return saved
            ? { saved: true, version: document.version }
            : { saved: false, message: document.lastSaveError ?? vscode.l10n.t('The agent was not saved.') };
        });
      }),
    );
    subscriptions.add(
      this.agents.onDidChangeAgents((event) => {
        const change = event as Partial<AgentChange>;
        if (change.agentId === document.agentId && change.type === 'deleted') panel.dispose();
      }),
    );
    this.panels.set(document, panel);
    panel.onDidDispose(() => {
      subscriptions.dispose();
      this.panels.delete(document);
    });
  }

  async saveCustomDocument(document: AgentDocument): Promise<void> {
    try {
      await document.save();
      this.announce(document, { saved: true, version: document.version });
    } catch (error) {
      this.log.warn(`Saving agent ${document.agentId} failed: ${errorMessage(error)}`);
      this.announce(document, { saved: false, message: errorMessage(error) });
      throw error;
    }
  }

  saveCustomDocumentAs(): Promise<void> {
    return Promise.reject(new Error(vscode.l10n.t('An agent is saved as a new version of itself; use Duplicate Agent to copy it.')));
  }

  revertCustomDocument(document: AgentDocument): Promise<void> {
    return document.revert();
  }

  backupCustomDocument(document: AgentDocument, context: vscode.CustomDocumentBackupContext): Promise<vscode.CustomDocumentBackup> {
    return document.backup(context.destination);
  }

  /** Tells the document's form how a save went, whoever started it (Ctrl+S, the close prompt, the Save button). */
  private announce(document: AgentDocument, result: { saved: true; version: number } | { saved: false; message: string }): void {
    const message: HostToAgentEditor = { type: 'saveResult', result, name: document.form.name };
    void this.panels.get(document)?.webview.postMessage(message); // a closed editor has no one left to tell
  }

  private async options(document: AgentDocument): Promise<AgentFormOptions> {
    const agent: Agent = await this.agents.get(document.agentId);
    const model = { profile: document.form.modelProfile, name: document.form.modelName };
    // A Foundry agent runs on a deployment of its project; local model profiles mean nothing there.
    const models =
      model.profile === FOUNDRY_PROFILE
        ? [{ profile: FOUNDRY_PROFILE, label: vscode.l10n.t('Foundry project deployment'), defaultModel: model.name }]
        : this.models.choices().map((c) => ({ profile: c.profile.id, label: c.label, defaultModel: c.profile.model }));
    if (!models.some((m) => m.profile === model.profile)) {
      models.unshift({ profile: model.profile, label: vscode.l10n.t('{0} (not configured)', model.profile), defaultModel: model.name });
    }
    const devTools = process.env[DEV_TOOLS_ENV] === '1';
    return {
      agentId: agent.id,
      version: document.version,
      models,
      tools: this.tools
        .list()
        // A test-only tool is offered only where development asks for it, or where the agent already uses it.
        .filter((t) => !t.devOnly || devTools || document.form.tools.includes(t.name))
        .map((t) => ({ name: t.name, description: t.description, readOnly: t.readOnly })),
    };
  }

  dispose(): void {
    for (const panel of this.panels.values()) panel.dispose();
    this.changed.dispose();
  }
}
