/**
 * The protocol of the thread webview (the sidebar chat and the thread panels): what it renders and the messages it
 * exchanges with the host. Both sides import this file, so a renamed field is a compile error on both. The view
 * types are plain data shaped for rendering, so the webview never depends on the domain model.
 */
import { messageGuard, type ReplyMessage, type RequestMessage } from './ipc';

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
  /** The summary of the model's reasoning, one Markdown paragraph each, shown as a collapsible "Thinking" part. */
  reasoning?: string[];
  status: 'in_progress' | 'incomplete' | 'completed';
  createdAt: number;
  runId: string | null;
  /** The agent that wrote an answer (null for the user's messages); the view labels the answer with its name. */
  agentId: string | null;
  /** The version of that agent (null when unknown: the user's messages, older answers). */
  agentVersion: number | null;
  /** Set on a compaction summary: how many earlier messages it stands for, and the newest of them. */
  summary?: { count: number; throughId: string };
}

export interface RunView {
  id: string;
  status: RunStatusView;
  model: string;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null;
  lastError: { code: string; message: string } | null;
  /**
   * Tool calls waiting for the user's decision while the run is in requires_action; `diff` is a short unified diff
   * of the file change the call proposes (it arrives in a later run event, once the host has computed it).
   */
  pendingApprovals: { id: string; name: string; arguments: string; preview?: string; canShowDiff?: boolean; diff?: string }[];
  /** The budget the run waits at before its next model call (requires_action), with what Continue adds. */
  budgetPause?: {
    scope: 'run' | 'thread' | 'agent_day';
    unit: 'tokens' | 'dollars';
    limit: number;
    used: number;
    step: number;
    estimated: boolean;
  };
  /** How long the run took (or has taken so far), from its start; null before it started. */
  durationMs: number | null;
  steps: { id: string; type: 'message_creation' | 'tool_calls'; status: string; toolCalls: ToolCallView[] }[];
  /** How many files the finished run changed through the agent tools (its change set); absent until known, or none. */
  changedFiles?: number;
}

export interface ThreadView {
  id: string;
  title: string;
  messageCount: number;
  agentId: string | null;
}

/** What the thread's model calls used so far, for the header's meter; the host words it, the view only shows it. */
export interface UsageView {
  /** "12,345 tokens · $0.27" ("about …" for estimates; tokens only without prices). */
  text: string;
  /** What a narrow header shows: "$0.27", or "12.3K tokens" without prices. */
  short: string;
  /** The meter's tooltip: the text, the number of model calls, and what is estimated or left out of the cost. */
  tooltip: string;
}

/** A message to bring into view and mark, e.g. a search result: the query's words, the last one possibly unfinished. */
export interface RevealView {
  messageId: string;
  words: string[];
  prefix: string;
}

/** Where a version of a message is: a thread, and the message in it (null while a retried answer is being written). */
export interface VersionRefView {
  threadId: string;
  messageId: string | null;
}

/** A message with other versions (Retry, Edit and Resend): which one it is of how many, and its neighbours. */
export interface MessageVersionsView {
  messageId: string;
  /** 0-based position of this version, oldest first. */
  index: number;
  total: number;
  previous: VersionRefView | null;
  next: VersionRefView | null;
}

export interface AgentOption {
  id: string;
  name: string;
  model: string;
  /** The names of the tools the agent may call, for the picker to show at a glance. */
  tools: string[];
}

/** Requests of the thread webview and the results the host answers with. */
export type ThreadViewRequests = {
  /** The load handshake: the answer proves the typed channel works both ways. */
  ping: { params: object; result: { extensionVersion: string } };
  /** The host's file picker; the workspace-relative paths the user picked (none when cancelled). */
  pickAttachments: { params: object; result: { paths: string[] } };
  /** Files dropped on the composer, as URIs; the host keeps (and answers with) those inside the workspace. */
  attachUris: { params: { uris: string[] }; result: { paths: string[] } };
  /** Workspace files whose path matches what the user typed after `#` in the composer, best first. */
  findFiles: { params: { query: string }; result: { paths: string[] } };
};

/** Intents the thread webview sends: no answer expected, their effects arrive as events. */
export type ThreadViewIntent =
  | { type: 'ready' }
  /** The user started typing (sent once per view): the host prepares what sending will need. */
  | { type: 'composing' }
  | { type: 'send'; text: string; attachments: string[] }
  | { type: 'cancelRun' }
  | { type: 'retryRun' }
  | { type: 'loadOlder'; beforeId: string }
  | { type: 'loadNewer'; afterId: string }
  /** Back to the newest page, e.g. when the user sends while reading far back. */
  | { type: 'loadNewest' }
  | { type: 'decideToolCall'; runId: string; toolCallId: string; approve: boolean; alwaysForThread: boolean }
  | { type: 'decideBudget'; runId: string; decision: 'continue' | 'stop' }
  | { type: 'showToolDiff'; runId: string; toolCallId: string }
  | { type: 'showRunDetails'; runId: string }
  /** "N files changed" under a run's answer: the run's changes in the multi-file diff editor. */
  | { type: 'reviewRunChanges'; runId: string }
  /** The footer's checkpoint actions: take the run's changes back, review or restore from before the run on. */
  | { type: 'checkpointAction'; runId: string; action: 'undo' | 'changesSince' | 'restore' }
  | { type: 'selectAgent'; agentId: string }
  | { type: 'newThread' }
  | { type: 'pickThread' }
  | { type: 'forkFromMessage'; messageId: string }
  /** Answer again: a new thread with the history up to the user message before this answer, and a new run there. */
  | { type: 'retryFromMessage'; messageId: string }
  /** The user's message, edited in the composer: a new thread from before it, with the edited text sent there. */
  | { type: 'editAndResend'; messageId: string; text: string }
  | { type: 'openFile'; path: string }
  | { type: 'openLink'; href: string }
  | { type: 'copyText'; text: string }
  | { type: 'insertCode'; code: string }
  /** Apply to File on a code block: `info` is the fence's info string ("ts src/greet.ts"), which may name the file. */
  | { type: 'applyCode'; code: string; info: string }
  /** Scroll to a message of this thread, loading the page around it (the originals a summary stands for). */
  | { type: 'revealMessage'; messageId: string }
  /** Write a compaction summary again (Compact Thread for that summary). */
  | { type: 'regenerateSummary'; messageId: string }
  /** Show another version of a message: its thread, scrolled to the message ('' while it is being written: the end). */
  | { type: 'openVersion'; threadId: string; messageId: string };

/** Everything the thread webview sends to the host. */
export type ThreadViewToHost = ThreadViewIntent | RequestMessage<ThreadViewRequests>;

/** Events the host sends to the thread webview. */
export type ThreadViewEvent =
  | {
      type: 'init';
      thread: ThreadView | null;
      agents: AgentOption[];
      selectedAgentId: string | null;
      run: RunView | null;
      notice: string | null;
      restrictedMode: boolean;
      /** The thread's usage so far; null before its first model call, or where it is not recorded (Foundry). */
      usage: UsageView | null;
    }
  /** The thread's usage changed (a model call finished); replaces what `init` said. */
  | { type: 'usage'; usage: UsageView | null }
  | { type: 'page'; messages: MessageView[]; hasOlder: boolean; hasNewer: boolean; position: 'newest' | 'older' | 'newer' }
  /** A window of the thread around one message (a search result), which the view scrolls to and marks. */
  | { type: 'page'; messages: MessageView[]; hasOlder: boolean; hasNewer: boolean; position: 'around'; reveal: RevealView }
  | { type: 'messageAdded'; message: MessageView }
  | { type: 'messageUpdated'; message: MessageView }
  | { type: 'messageDelta'; messageId: string; text: string }
  /** More of paragraph `summaryIndex` of an answer's reasoning summary, streamed before the answer. */
  | { type: 'reasoningDelta'; messageId: string; summaryIndex: number; text: string }
  | { type: 'run'; run: RunView }
  /**
   * Finished runs whose answers are on a page just sent, for the footers under those answers (the webview otherwise
   * hears of a run through its events only, so a view opened again would show the newest run's footer alone).
   */
  | { type: 'pastRuns'; runs: RunView[] }
  /** The messages on this thread that have other versions (every one of them; replaces what was sent before). */
  | { type: 'versions'; versions: MessageVersionsView[] }
  /** Text for the composer, e.g. a selection sent from the editor; the user edits and sends it. */
  | { type: 'prefill'; text: string }
  | { type: 'notice'; level: 'info' | 'error'; text: string; command?: { title: string; id: string } };

/** Everything the host sends to the thread webview. */
export type HostToThreadView = ThreadViewEvent | ReplyMessage<ThreadViewRequests>;

const THREAD_VIEW_REQUESTS: readonly (keyof ThreadViewRequests & string)[] = ['ping', 'pickAttachments', 'attachUris', 'findFiles'];

/** Narrows an unknown payload to a message of the thread webview; anything malformed is rejected. */
export const isThreadViewMessage = messageGuard<ThreadViewToHost>(
  {
    ready: {},
    composing: {},
    ping: {},
    send: { text: 'string', attachments: 'string[]' },
    cancelRun: {},
    retryRun: {},
    loadOlder: { beforeId: 'string' },
    loadNewer: { afterId: 'string' },
    loadNewest: {},
    decideToolCall: { runId: 'string', toolCallId: 'string', approve: 'boolean', alwaysForThread: 'boolean' },
    decideBudget: { runId: 'string', decision: 'string' },
    showToolDiff: { runId: 'string', toolCallId: 'string' },
    showRunDetails: { runId: 'string' },
    reviewRunChanges: { runId: 'string' },
    checkpointAction: { runId: 'string', action: 'string' },
    selectAgent: { agentId: 'string' },
    newThread: {},
    pickThread: {},
    forkFromMessage: { messageId: 'string' },
    retryFromMessage: { messageId: 'string' },
    editAndResend: { messageId: 'string', text: 'string' },
    pickAttachments: {},
    attachUris: { uris: 'string[]' },
    findFiles: { query: 'string' },
    openFile: { path: 'string' },
    openLink: { href: 'string' },
    copyText: { text: 'string' },
    insertCode: { code: 'string' },
    applyCode: { code: 'string', info: 'string' },
    openVersion: { threadId: 'string', messageId: 'string' },
    revealMessage: { messageId: 'string' },
    regenerateSummary: { messageId: 'string' },
  },
  THREAD_VIEW_REQUESTS,
);
