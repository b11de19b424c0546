/**
 * The protocol of the agent editor webview: the form it edits and the messages it exchanges with the host.
 * The editor is a VS Code custom editor: every change of the form goes to the host as an `edit` (VS Code then marks
 * the tab unsaved and can undo it); undo, redo and revert come back as `setForm`. Saving from the form's button is a
 * request: the host saves the document as Ctrl+S would and answers saved (with the new version) or failed (with the
 * reason); a save from VS Code (Ctrl+S, the close prompt) is announced with `saveResult`.
 */
import { messageGuard, type ReplyMessage, type RequestMessage } from './ipc';

export type ApprovalPolicyView = 'ask' | 'auto' | 'deny';

/** core/domain's ReasoningEffort for the webviews, which may not import core. */
export type ReasoningEffortView = 'none' | 'minimal' | 'low' | 'medium' | 'high';
export const REASONING_EFFORT_VIEWS: readonly ReasoningEffortView[] = ['none', 'minimal', 'low', 'medium', 'high'];

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
  /** null: the model's default (nothing is sent). */
  reasoning_effort: ReasoningEffortView | null;
  max_prompt_tokens: number | null;
  max_completion_tokens: number | null;
  /** null for `auto`, otherwise the number of newest messages kept. */
  lastMessages: number | null;
  /** When the context is full: drop the oldest messages, or summarize them (compaction). */
  contextOverflow: 'drop_oldest' | 'compact';
}

/** What the agent editor needs besides the form: which models and tools exist. */
export interface AgentFormOptions {
  agentId: string;
  version: number;
  models: { profile: string; label: string; defaultModel: string }[];
  tools: AgentToolOption[];
}

/** A tool the form offers: its name and what it does. */
export interface AgentToolOption {
  name: string;
  description: string;
  readOnly: boolean;
}

/** What saving answers: the new version, or why the store refused the form (in words for the user). */
export type SaveAgentResult = { saved: true; version: number } | { saved: false; message: string };

/** Requests of the agent editor and the results the host answers with. */
export type AgentEditorRequests = {
  saveAgent: { params: { form: AgentForm }; result: SaveAgentResult };
};

/** Everything the agent editor sends to the host. */
export type AgentEditorToHost =
  | { type: 'ready' }
  /** The whole form after a change of one field (`field` lets the host merge a burst of typing into one undo step). */
  | { type: 'edit'; field: string; form: AgentForm }
  | RequestMessage<AgentEditorRequests>;

/** Everything the host sends to the agent editor. */
export type HostToAgentEditor = AgentEditorEvent | ReplyMessage<AgentEditorRequests>;

/** The host's events: the form to build, values to show after undo/redo/revert, and the outcome of a save. */
export type AgentEditorEvent =
  | { type: 'agentForm'; form: AgentForm; options: AgentFormOptions }
  | { type: 'setForm'; form: AgentForm }
  | { type: 'saveResult'; result: SaveAgentResult; name: string };

/** Narrows an unknown payload to a message of the agent editor; anything malformed is rejected. */
export const isAgentEditorMessage = messageGuard<AgentEditorToHost>(
  { ready: {}, edit: { field: 'string', form: 'object' }, saveAgent: { form: 'object' } },
  ['saveAgent'],
);
