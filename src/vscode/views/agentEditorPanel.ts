import * as vscode from 'vscode';
import type { Agent, AgentUpdate } from '../../core/domain';
import type { AgentRepository } from '../../core/backend';
import { FOUNDRY_PROFILE } from '../../core/backend/foundry/endpoint';
import type { AgentChange } from '../../core/store/agentStore';
import type { ToolRegistry } from '../../core/tools/toolRegistry';
import {
  isAgentEditorMessage,
  type AgentEditorRequests,
  type AgentForm,
  type AgentFormOptions,
  type HostToAgentEditor,
} from '../../protocol/agentEditor';
import { errorMessage } from '../shared/errors';
import { DisposableStore } from '../../core/util/disposableStore';
import type { ModelRegistry } from '../models/modelRegistry';
import { renderWebviewHtml, webviewOptions } from './webviewHtml';
import { replier } from './webviewReplies';

/** The agent's settings as the form shows them. */
export function toAgentForm(agent: Agent): AgentForm {
  return {
    name: agent.name,
    modelProfile: agent.model.profile,
    modelName: agent.model.name,
    instructions: agent.instructions,
    tools: agent.tools.map((t) => t.name),
    approvals: { ...agent.approval_policy },
    temperature: agent.temperature,
    top_p: agent.top_p,
    max_prompt_tokens: agent.max_prompt_tokens,
    max_completion_tokens: agent.max_completion_tokens,
    lastMessages: agent.truncation_strategy.type === 'last_messages' ? agent.truncation_strategy.last_messages : null,
  };
}

/** The form as an agent update; the store validates it and says what is wrong. */
export function fromAgentForm(form: AgentForm): AgentUpdate {
  return {
    name: form.name,
    model: { profile: form.modelProfile, name: form.modelName },
    instructions: form.instructions,
    tools: form.tools.map((name) => ({ name })),
    approval_policy: Object.fromEntries(Object.entries(form.approvals).filter(([tool]) => form.tools.includes(tool))),
    temperature: form.temperature,
    top_p: form.top_p,
    max_prompt_tokens: form.max_prompt_tokens,
    max_completion_tokens: form.max_completion_tokens,
    truncation_strategy: form.lastMessages === null ? { type: 'auto' } : { type: 'last_messages', last_messages: form.lastMessages },
  };
}

/** Agent editors: a webview form per agent; saving makes a new version. */
export class AgentEditorPanels implements vscode.Disposable {
  static readonly viewType = 'agentThreads.agentEditor';
  private readonly panels = new Map<string, vscode.WebviewPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly agents: AgentRepository,
    private readonly models: ModelRegistry,
    private readonly tools: ToolRegistry,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async open(agentId: string): Promise<void> {
    const existing = this.panels.get(agentId);
    if (existing) return existing.reveal();
    const agent = await this.agents.get(agentId);
    const panel = vscode.window.createWebviewPanel(
      AgentEditorPanels.viewType,
      `Agent: ${agent.name}`,
      vscode.ViewColumn.Active,
      webviewOptions(this.extensionUri),
    );
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'agent-threads.svg');
    panel.webview.html = renderWebviewHtml(panel.webview, this.extensionUri, 'agent', `Agent: ${agent.name}`);
    // Fire-and-forget: a closed panel answers false and has no one left to tell.
    const post = (message: HostToAgentEditor) => void panel.webview.postMessage(message);
    const reply = replier<AgentEditorRequests>(post);
    const sendForm = async () => {
      const current = await this.agents.get(agentId);
      post({ type: 'agentForm', form: toAgentForm(current), options: this.options(current) });
    };
    const subscriptions = new DisposableStore();
    subscriptions.add(
      panel.webview.onDidReceiveMessage(async (message: unknown) => {
        if (!isAgentEditorMessage(message)) return;
        if (message.type === 'ready') return sendForm();
        await reply(message, async () => {
          try {
            const saved = await this.agents.update(agentId, fromAgentForm(message.form));
            panel.title = `Agent: ${saved.name}`;
            return { saved: true, version: saved.version };
          } catch (error) {
            this.log.warn(`Saving agent ${agentId} failed: ${errorMessage(error)}`);
            return { saved: false, message: errorMessage(error) };
          }
        });
      }),
    );
    subscriptions.add(
      this.agents.onDidChangeAgents((event) => {
        const change = event as Partial<AgentChange>;
        if (change.agentId === agentId && change.type === 'deleted') panel.dispose();
      }),
    );
    this.panels.set(agentId, panel);
    panel.onDidDispose(() => {
      subscriptions.dispose();
      this.panels.delete(agentId);
    });
  }

  private options(agent: Agent): AgentFormOptions {
    // A Foundry agent runs on a deployment of its project; local model profiles mean nothing there.
    const models =
      agent.model.profile === FOUNDRY_PROFILE
        ? [{ profile: FOUNDRY_PROFILE, label: 'Foundry project deployment', defaultModel: agent.model.name }]
        : this.models.choices().map((c) => ({ profile: c.profile.id, label: c.label, defaultModel: c.profile.model }));
    if (!models.some((m) => m.profile === agent.model.profile)) {
      models.unshift({ profile: agent.model.profile, label: `${agent.model.profile} (not configured)`, defaultModel: agent.model.name });
    }
    return {
      agentId: agent.id,
      version: agent.version,
      models,
      tools: this.tools.list().map((t) => ({ name: t.name, description: t.description, readOnly: t.readOnly })),
    };
  }

  dispose(): void {
    for (const panel of this.panels.values()) panel.dispose();
  }
}
