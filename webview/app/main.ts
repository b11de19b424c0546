// First: VS Code's strings for the display language are in place before any module makes text.
import '../shared/l10n';
import '../shared/litNonce';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import { UNTITLED_THREAD_TITLE, type MessageView, type RunView, type ThreadViewEvent } from '../../src/protocol/threadView';
import { uiState } from '../shared/host';
import { host, postToHost } from './host';
import { Composer } from './composer';
import { DeltaBatcher } from './deltaBatcher';
import { component, el } from './dom';
import { MessageList } from './messageList';
import { RunPanel } from './runPanel';
import { runMessageAction } from './messageActions';
import { RunFooters } from './runFooter';
import { applyRunToCards, setToolCardFocusFallback } from './toolCards';
import { setVersions } from './messageVersions';
import { UsageMeter } from './usageMeter';
import * as l10n from '@vscode/l10n';

// One app renders a thread both in the sidebar chat and in editor panels; the body says which.
const view = document.body.dataset.agentThreadsView === 'chat' ? 'chat' : 'thread';
const app = document.getElementById('app')!;
// A panel's saved state names its thread, so VS Code can restore the panel after a reload.
// (data-thread-id, by contrast, is set only once the host's init has arrived: tests read it to know the view is live.)
if (document.body.dataset.initialThreadId) uiState.patch({ threadId: document.body.dataset.initialThreadId });

// The sidebar's own view title already says "Chat": the header names the thread, and nothing before there is one.
const title = el('span', 'thread-title', view === 'chat' ? '' : l10n.t('Thread'));
const connection = component('vscode-badge', { id: 'connection', variant: 'counter' }, l10n.t('connecting…'));
// A status role, so "Needs approval" or "Failed" is announced when it changes without moving the focus.
const runBadge = component('vscode-badge', { id: 'run-status', role: 'status', 'aria-live': 'polite' });
// A ring drawn by the stylesheet: vscode-progress-ring's arc shrank to a dot at times, a tick beside the badge.
const progress = component('span', { id: 'run-progress', role: 'img', 'aria-label': l10n.t('Run in progress') });
// An icon button, as in VS Code's view toolbars: the thread's title gets the header's width.
const newThread = component('vscode-button', {
  id: 'new-thread',
  icon: 'add',
  secondary: '',
  title: l10n.t('New thread'),
  'aria-label': l10n.t('New thread'),
});
newThread.addEventListener('click', () => postToHost({ type: 'newThread' }));
// The sidebar chat has New and Show Thread in its view title bar, as VS Code's own chat does: its header is the title's.
newThread.hidden = view === 'chat';
// What the thread has used so far, beside the run's badge: it changes after each model call, as the badge does.
const usage = new UsageMeter();
const header = el('header', 'thread-header');
header.setAttribute('aria-label', view === 'chat' ? l10n.t('Chat') : l10n.t('Thread'));
// The spinner and the badge wrap below the title together: the spinner always stands beside the status it is about.
const runState = el('span', 'run-state');
runState.append(progress, runBadge);
header.append(title, el('span', 'spacer'), usage.element, runState, connection, newThread);

const notice = el('div', 'notice');
notice.hidden = true;
// Restricted Mode is a standing condition, not an event: its own banner, so other notices do not replace it.
const restricted = el('div', 'notice restricted-mode');
restricted.id = 'restricted-mode';
restricted.setAttribute('role', 'status');
restricted.hidden = true;
const manageTrust = component('vscode-button', { class: 'notice-action', secondary: '' }, l10n.t('Manage Workspace Trust'));
manageTrust.addEventListener('click', () => postToHost({ type: 'openLink', href: 'command:workbench.trust.manage' }));
restricted.append(
  el('span', 'codicon codicon-shield'),
  el(
    'span',
    'notice-text',
    l10n.t('Restricted Mode: agents can only read and search this folder. Trust it to let them edit files or run commands.'),
  ),
  manageTrust,
);
const runDetails = el('section', 'run-details');
const scroller = el('section', 'messages');
scroller.id = 'messages';
// The conversation is a log a screen reader can browse; it is not itself live, or every streamed chunk (each one
// re-renders the message) would be read out again. Finished answers are announced once, through the announcer.
scroller.setAttribute('role', 'log');
scroller.setAttribute('aria-label', l10n.t('Conversation'));
scroller.setAttribute('aria-live', 'off');
const announcer = el('div', 'visually-hidden');
announcer.id = 'announcer';
announcer.setAttribute('role', 'status');
announcer.setAttribute('aria-live', 'polite');
announcer.setAttribute('aria-atomic', 'true');
const empty = el('div', 'empty');
// What a first-time user sees: what an agent is and the one step to take, not a composer that cannot send.
const welcome = el('div', 'welcome');
welcome.id = 'welcome';
const createAgent = component('vscode-button', { id: 'create-agent', icon: 'add' }, l10n.t('Create Agent'));
createAgent.addEventListener('click', () => postToHost({ type: 'openLink', href: 'command:agentThreads.createAgent' }));
const configureModel = el('button', 'link-button', l10n.t('Configure a model'));
configureModel.id = 'configure-model';
configureModel.type = 'button';
configureModel.addEventListener('click', () => postToHost({ type: 'openLink', href: 'command:agentThreads.configureModel' }));
const modelHint = el('p', 'welcome-secondary', l10n.t('Agents use a VS Code language model without setup, or '));
modelHint.append(configureModel, document.createTextNode(' (OpenAI, Azure OpenAI, Ollama…).'));
welcome.append(
  el('h2', 'welcome-title', l10n.t('Chat with your own agents')),
  el('p', 'welcome-text', l10n.t('An agent is a model with instructions and tools. Create one to start a conversation.')),
  createAgent,
  modelHint,
);
const startHint = el('p', 'start-hint', l10n.t('Send a message to start the conversation.'));
welcome.hidden = true;
startHint.hidden = true;
empty.append(welcome, startHint);
const composer = new Composer(
  () => list.followSend(),
  () => list.lastUserText(),
);
// What the run asks of you (a budget, an approval no answer shows) and how it ended sit under the conversation, just
// above the composer, where the next thing to do is.
app.append(header, restricted, notice, empty, scroller, runDetails, composer.root, announcer);

/** Agent names by id, from the host's latest init: answers are labelled with the agent that wrote them. */
const agentNames = new Map<string, string>();
const authorOf = (message: MessageView): string =>
  message.role === 'user' ? l10n.t('You') : ((message.agentId && agentNames.get(message.agentId)) ?? l10n.t('Agent'));
const list = new MessageList(scroller, empty, authorOf, (message, element) => {
  // Once per answer, when it is complete: the rendered text (no Markdown syntax), as a person reading along sees it.
  const text = element.querySelector('.message-body')?.textContent?.trim() ?? '';
  if (message.role === 'assistant' && text) announcer.textContent = l10n.t('{0} answered: {1}', authorOf(message), text.slice(0, 2_000));
});
const runPanel = new RunPanel(
  runBadge,
  progress,
  runDetails,
  (active) => composer.setRunActive(active),
  () => composer.focus(),
);
const batcher = new DeltaBatcher((messageId, text) => list.appendText(messageId, text));
runPanel.show(null);
const footers = new RunFooters(scroller);
setToolCardFocusFallback(() => composer.focus());
/** The run the host described last: tool cards that appear later (a page, a new message) take their status from it. */
let currentRun: RunView | null = null;

/** Shows a run: its cards in the answers, approvals no card shows in the panel, its footer once it is finished. */
function showRun(run: RunView | null): void {
  currentRun = run;
  runPanel.show(run, applyRunToCards(run, scroller));
  footers.update(run);
}

/** Messages came or went: cards find their run's news, the panel drops approvals a card now shows, footers move. */
function syncRunWithMessages(): void {
  runPanel.showOrphans(applyRunToCards(currentRun, scroller));
  footers.place();
}

function showNotice(level: 'info' | 'error', text: string, command?: { title: string; id: string }): void {
  notice.hidden = false;
  notice.className = `notice ${level}`;
  notice.setAttribute('role', level === 'error' ? 'alert' : 'status');
  notice.replaceChildren(el('span', 'notice-text', text));
  if (command) {
    const button = component('vscode-button', { class: 'notice-action', secondary: '' }, command.title);
    button.addEventListener('click', () => postToHost({ type: 'openLink', href: `command:${command.id}` }));
    notice.append(button);
  }
}

function handle(message: ThreadViewEvent): void {
  switch (message.type) {
    case 'init':
      title.textContent = message.thread?.title || (view === 'chat' ? '' : UNTITLED_THREAD_TITLE);
      title.title = title.textContent;
      // A fresh chat has no title and no run to show: no empty bar above the welcome or the first message.
      header.hidden = view === 'chat' && !message.thread;
      document.title = message.thread?.title || 'Agent Threads';
      welcome.hidden = message.agents.length > 0;
      startHint.hidden = message.agents.length === 0;
      composer.setAgents(message.agents, message.selectedAgentId);
      agentNames.clear();
      for (const agent of message.agents) agentNames.set(agent.id, agent.name);
      list.refreshAuthors();
      showRun(message.run);
      // Which thread the view shows, once it knows: until then (a view just reloaded) its run badge is still empty.
      document.body.dataset.threadId = message.thread?.id ?? '';
      usage.show(message.usage);
      restricted.hidden = !message.restrictedMode;
      // Actions that write files (a run footer's Undo and Restore Checkpoint) are not offered in Restricted Mode.
      document.body.classList.toggle('restricted-mode', message.restrictedMode);
      if (message.notice) showNotice('info', message.notice);
      else notice.hidden = true;
      break;
    case 'page':
      batcher.drain();
      list.showPage(message.messages, message.hasOlder, message.hasNewer, message.position);
      if (message.position === 'around') list.reveal(message.reveal);
      syncRunWithMessages();
      break;
    case 'messageAdded':
      list.add(message.message);
      syncRunWithMessages();
      break;
    case 'messageUpdated':
      batcher.drain();
      list.update(message.message);
      syncRunWithMessages();
      break;
    case 'messageDelta':
      batcher.add(message.messageId, message.text);
      break;
    case 'reasoningDelta':
      list.appendReasoning(message.messageId, message.summaryIndex, message.text);
      break;
    case 'run':
      showRun(message.run);
      break;
    case 'pastRuns':
      for (const run of message.runs) footers.update(run);
      break;
    case 'usage':
      usage.show(message.usage);
      break;
    case 'versions':
      setVersions(message.versions, document.getElementById('messages')!);
      break;
    case 'prefill':
      composer.prefill(message.text);
      break;
    case 'notice':
      showNotice(message.level, message.text, message.command);
      break;
  }
}
host.onEvent(handle);

// Links, file references and code-block buttons are intents for the host; the webview opens nothing itself.
// A click on one stops here: VS Code's webview host opens every link a click reaches on the window (and scrolls to
// the top for href="#"), which would open a link twice.
document.addEventListener('click', (event) => {
  const target = event.target as HTMLElement;
  if (target.closest('a[href], [data-action], [data-message-action], [data-file]')) event.stopPropagation();
  if (runMessageAction(target, { textOf: (id) => list.textOf(id), editInComposer: (id, text) => composer.editMessage(id, text) })) return;
  const action = target.closest<HTMLElement>('[data-action]');
  if (action) {
    const block = action.closest<HTMLElement>('.code-block');
    const code = block?.querySelector('code')?.textContent ?? '';
    if (action.dataset.action === 'apply') postToHost({ type: 'applyCode', code, info: block?.dataset.info ?? '' });
    else postToHost(action.dataset.action === 'insert' ? { type: 'insertCode', code } : { type: 'copyText', text: code });
    return;
  }
  const file = target.closest<HTMLElement>('[data-file]');
  if (file) {
    event.preventDefault();
    postToHost({ type: 'openFile', path: file.dataset.file! });
    return;
  }
  const link = target.closest<HTMLAnchorElement>('a[href]');
  if (link) {
    event.preventDefault();
    postToHost({ type: 'openLink', href: link.getAttribute('href')! });
  }
});

postToHost({ type: 'ready' });
// The load handshake: the host's answer proves the typed channel works both ways.
void host.request('ping', {}).then(({ extensionVersion }) => {
  connection.textContent = l10n.t('connected');
  connection.dataset.state = 'connected';
  connection.title = l10n.t('Agent Threads {0}', extensionVersion);
  // Only trouble is worth the space: once connected, the badge hides (the state stays for tests and tools).
  connection.hidden = true;
});
