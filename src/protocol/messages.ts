/**
 * Typed messages between the extension host and the webviews. Both sides import this file, so a renamed field is
 * a compile error on both. Webviews only render and send intents; the host owns all state. The view types here are
 * plain data shaped for rendering, so the webview never depends on the domain model.
 */

/** Which webview a document is: set on `<body data-agent-threads-view>` so tests and the host can tell them apart. */
export type WebviewKind = 'chat' | 'thread' | 'agent';

/** core/domain's UNTITLED_THREAD_TITLE for the webviews, which may not import core (a unit test keeps the two equal). */
export const UNTITLED_THREAD_TITLE = 'New thread';

export type RunStatusView =
  'queued' | 'in_progress' | 'requires_action' | 'cancelling' | 'cancelled' | 'failed' | 'completed' | 'incomplete' | 'expired';

export interface ToolCallView {
  id: string;
  name: string;
  arguments: string;
  output: string | null;
  status: 'pending_approval' | 'approved' | 'denied' | 'in_progress' | 'completed' | 'failed';
  durationMs?: number;
}

export interface MessageView {
  id: string;
  role: 'user' | 'assistant';
  /** Markdown text of the message (rendered and sanitized by the webview). */
  text: string;
  /** Images as data: URLs, ready for <img>. */
  images: { src: string; alt: string }[];
  /** Workspace files the message refers to; clicking one opens it. */
  files: string[];
  toolCalls: ToolCallView[];
  status: 'in_progress' | 'incomplete' | 'completed';
  createdAt: number;
  runId: string | null;
}

export interface RunView {
  id: string;
  status: RunStatusView;
  model: string;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null;
  lastError: { code: string; message: string } | null;
  /** Tool calls waiting for the user's decision while the run is in requires_action. */
  pendingApprovals: { id: string; name: string; arguments: string; preview?: string; canShowDiff?: boolean }[];
  steps: { id: string; type: 'message_creation' | 'tool_calls'; status: string; toolCalls: ToolCallView[] }[];
}

export interface ThreadView {
  id: string;
  title: string;
  messageCount: number;
  agentId: string | null;
}

export interface AgentOption {
  id: string;
  name: string;
  model: string;
}

export type ApprovalPolicyView = 'ask' | 'auto' | 'deny';

/** The agent editor form's fields; the host validates them again (through the store) before saving. */
export interface AgentForm {
  name: string;
  modelProfile: string;
  modelName: string;
  instructions: string;
  tools: string[];
  approvals: Record<string, ApprovalPolicyView>;
  temperature: number | null;
  top_p: number | null;
  max_prompt_tokens: number | null;
  max_completion_tokens: number | null;
  /** null for `auto`, otherwise the number of newest messages kept. */
  lastMessages: number | null;
}

/** What the agent editor needs besides the form: which models and tools exist. */
export interface AgentFormOptions {
  agentId: string;
  version: number;
  models: { profile: string; label: string; defaultModel: string }[];
  tools: { name: string; description: string; readOnly: boolean }[];
}

/** Messages a webview sends to the host: intents only. */
export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'ping'; id: number }
  | { type: 'send'; text: string; attachments: string[] }
  | { type: 'cancelRun' }
  | { type: 'retryRun' }
  | { type: 'loadOlder'; beforeId: string }
  | { type: 'loadNewer'; afterId: string }
  | { type: 'decideToolCall'; runId: string; toolCallId: string; approve: boolean; alwaysForThread: boolean }
  | { type: 'showToolDiff'; runId: string; toolCallId: string }
  | { type: 'showRunDetails'; runId: string }
  | { type: 'selectAgent'; agentId: string }
  | { type: 'newThread' }
  | { type: 'pickThread' }
  | { type: 'forkFromMessage'; messageId: string }
  | { type: 'editAndResend'; messageId: string }
  | { type: 'pickAttachments' }
  /** Files dropped on the composer, as URIs; the host keeps those inside the workspace. */
  | { type: 'attachUris'; uris: string[] }
  | { type: 'openFile'; path: string }
  | { type: 'openLink'; href: string }
  | { type: 'copyText'; text: string }
  | { type: 'insertCode'; code: string }
  | { type: 'saveAgent'; form: AgentForm };

/** Messages the host sends to a webview. */
export type HostToWebview =
  | { type: 'pong'; id: number; extensionVersion: string }
  | {
      type: 'init';
      thread: ThreadView | null;
      agents: AgentOption[];
      selectedAgentId: string | null;
      run: RunView | null;
      notice: string | null;
      restrictedMode: boolean;
    }
  | { type: 'page'; messages: MessageView[]; hasOlder: boolean; hasNewer: boolean; position: 'newest' | 'older' | 'newer' }
  | { type: 'messageAdded'; message: MessageView }
  | { type: 'messageUpdated'; message: MessageView }
  | { type: 'messageDelta'; messageId: string; text: string }
  | { type: 'run'; run: RunView }
  | { type: 'attachmentsPicked'; paths: string[] }
  | { type: 'agentForm'; form: AgentForm; options: AgentFormOptions }
  | { type: 'agentSaved'; version: number }
  | { type: 'agentSaveFailed'; message: string }
  /** Text for the composer, e.g. a selection sent from the editor; the user edits and sends it. */
  | { type: 'prefill'; text: string }
  | { type: 'notice'; level: 'info' | 'error'; text: string; command?: { title: string; id: string } };

const INTENT_FIELDS: { [K in WebviewToHost['type']]: Record<string, 'string' | 'number' | 'boolean' | 'string[]' | 'object'> } = {
  ready: {},
  ping: { id: 'number' },
  send: { text: 'string', attachments: 'string[]' },
  cancelRun: {},
  retryRun: {},
  loadOlder: { beforeId: 'string' },
  loadNewer: { afterId: 'string' },
  decideToolCall: { runId: 'string', toolCallId: 'string', approve: 'boolean', alwaysForThread: 'boolean' },
  showToolDiff: { runId: 'string', toolCallId: 'string' },
  showRunDetails: { runId: 'string' },
  selectAgent: { agentId: 'string' },
  newThread: {},
  pickThread: {},
  forkFromMessage: { messageId: 'string' },
  editAndResend: { messageId: 'string' },
  pickAttachments: {},
  attachUris: { uris: 'string[]' },
  openFile: { path: 'string' },
  openLink: { href: 'string' },
  copyText: { text: 'string' },
  insertCode: { code: 'string' },
  saveAgent: { form: 'object' },
};

/** Narrows an unknown `postMessage` payload to a webview intent; anything malformed is rejected. */
export function isWebviewToHost(value: unknown): value is WebviewToHost {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Record<string, unknown>;
  const fields = typeof message.type === 'string' ? INTENT_FIELDS[message.type as WebviewToHost['type']] : undefined;
  if (!fields || !Object.prototype.hasOwnProperty.call(INTENT_FIELDS, message.type as string)) return false;
  return Object.entries(fields).every(([name, kind]) => {
    const field = message[name];
    if (kind === 'string[]') return Array.isArray(field) && field.every((item) => typeof item === 'string');
    if (kind === 'object') return typeof field === 'object' && field !== null && !Array.isArray(field);
    return typeof field === kind;
  });
}
