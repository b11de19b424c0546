import type { AgentOption } from '../../src/protocol/threadView';
import { agentDescription, agentTooltip } from './agentSummary';
import { uiState } from '../shared/host';
import { host, postToHost } from './host';
import { component, el } from './dom';
import * as l10n from '@vscode/l10n';
import { InputHistory } from './inputHistory';
import { FileMentions } from './mentions';
import { droppedUris } from './droppedUris';

type ValueElement = HTMLElement & { value: string; disabled: boolean; wrappedElement?: HTMLTextAreaElement };

const MESSAGE_PLACEHOLDER = 'Message the agent…';
/** Narrower than this, Send and Cancel show their icons only. */
const NARROW_COMPOSER_PX = 320;
const MAX_PASTED_IMAGE_BYTES = 5 * 2 ** 20;

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('The image could not be read.'));
    reader.readAsDataURL(file);
  });
}

/**
 * The message composer: multi-line input (Enter sends, Shift+Enter is a new line), attachments, agent choice,
 * and Send turning into Cancel while a run is active (Escape cancels too).
 */
export class Composer {
  readonly root = el('footer', 'composer');
  private readonly input = component('vscode-textarea', {
    id: 'input',
    rows: '2',
    resize: 'vertical',
    label: l10n.t('Message to the agent. Enter sends, Shift+Enter starts a new line, Escape cancels a running answer.'),
    placeholder: MESSAGE_PLACEHOLDER,
  }) as ValueElement;
  // Labelled where there is room; in a narrow view only their icons show (fitButtonLabels), so the agent's name and
  // both buttons share one row and the conversation keeps the height.
  private readonly sendLabel = el('span', 'button-label', l10n.t('Send'));
  private readonly send = component('vscode-button', {
    id: 'send',
    icon: 'send',
    title: l10n.t('Send (Enter)'),
    'aria-label': l10n.t('Send message'),
  });
  private readonly cancelLabel = el('span', 'button-label', l10n.t('Cancel'));
  private readonly cancel = component('vscode-button', {
    id: 'cancel',
    icon: 'debug-stop',
    secondary: '',
    title: l10n.t('Cancel (Escape)'),
    'aria-label': l10n.t('Cancel the running answer'),
  });
  // An icon button, as in VS Code's own toolbars: the narrow sidebar keeps its width for the agent's name and Send.
  private readonly attach = component('vscode-button', {
    id: 'attach',
    icon: 'attach',
    secondary: '',
    title: l10n.t('Attach workspace files or images'),
    'aria-label': l10n.t('Attach workspace files or images'),
  });
  // The composer sits at the bottom of the view: the list opens upward, where there is room for it.
  private readonly agentSelect = component('vscode-single-select', {
    id: 'agent',
    'aria-label': l10n.t('Agent'),
    position: 'above',
  }) as ValueElement;
  private agents: AgentOption[] = [];
  private readonly attachmentList = el('div', 'attachments');
  private attachments: string[] = [];
  private runActive = false;
  private readonly history: InputHistory;
  private readonly mentions: FileMentions;
  /** Your message being edited here (Edit and Resend), and the draft it replaced, which Cancel brings back. */
  private editing: { messageId: string; draft: string } | undefined;
  private readonly editBanner = el('div', 'composer-editing');

  /**
   * `onSend` runs as a message is sent, before the host has it (the list brings it into view); `lastSent` is the
   * last message of yours in the thread, which Up recalls before anything was sent from here.
   */
  constructor(
    private readonly onSend: () => void = () => undefined,
    lastSent: () => string | undefined = () => undefined,
  ) {
    this.root.setAttribute('aria-label', l10n.t('Write a message'));
    this.input.value = uiState.get().draft ?? '';
    this.cancel.hidden = true;
    this.history = new InputHistory(uiState.get().sent ?? [], (sent) => uiState.patch({ sent }), lastSent);
    this.mentions = new FileMentions(
      this.input,
      (query) => host.request('findFiles', { query }).then(({ paths }) => paths),
      (path) => this.addAttachments([path]),
    );
    this.editBanner.hidden = true;
    this.editBanner.setAttribute('role', 'status');
    // The buttons stay together: when the row is too narrow for the agent's name and them, they wrap as a group
    // onto a line of their own, at the right, instead of one button dangling or overflowing.
    const buttons = el('div', 'composer-buttons');
    buttons.append(this.attach, this.cancel, this.send);
    const actions = el('div', 'composer-actions');
    actions.append(this.agentSelect, buttons);
    this.root.append(this.mentions.popup, this.editBanner, this.attachmentList, this.input, actions);
    new ResizeObserver(() => this.fitButtonLabels()).observe(this.root);

    this.input.addEventListener('keydown', (event: KeyboardEvent) => {
      if (event.isComposing || this.mentions.handleKey(event)) return;
      if (event.key === 'Enter' && !event.shiftKey) {
        event.preventDefault();
        this.submit();
      } else if ((event.key === 'ArrowUp' || event.key === 'ArrowDown') && !event.shiftKey && !event.altKey) {
        const recalled = event.key === 'ArrowUp' ? this.history.older(this.input.value) : this.history.newer(this.input.value);
        if (recalled === undefined) return;
        event.preventDefault();
        this.input.value = recalled;
        uiState.patch({ draft: recalled });
      } else if (event.key === 'Escape' && this.editing && !this.runActive) {
        event.preventDefault();
        this.cancelEdit();
      }
    });
    this.input.addEventListener('input', () => uiState.patch({ draft: this.input.value }));
    this.input.addEventListener('input', () => postToHost({ type: 'composing' }), { once: true });
    this.send.addEventListener('click', () => this.submit());
    this.cancel.addEventListener('click', () => postToHost({ type: 'cancelRun' }));
    this.attach.addEventListener('click', () => void this.attachPicked(host.request('pickAttachments', {})));
    this.agentSelect.addEventListener('change', () => {
      this.describeSelectedAgent();
      postToHost({ type: 'selectAgent', agentId: this.agentSelect.value });
      this.nameNextAgent(this.agentSelect.value);
    });
    // Pasted images and files dropped from the Explorer (hold Shift while dropping into a webview) become attachments.
    this.root.addEventListener('paste', (event) => void this.attachPastedImages(event));
    this.root.addEventListener('dragover', (event) => event.preventDefault());
    this.root.addEventListener('drop', (event) => this.attachDroppedFiles(event));
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.runActive) postToHost({ type: 'cancelRun' });
    });
  }

  setAgents(agents: AgentOption[], selectedId: string | null): void {
    // The host sends the list again on every change to the thread: rebuilding the picker's options re-renders the
    // whole select, tens of milliseconds that would delay the answer's first words.
    if (selectedId === this.agentSelect.value && sameAgents(agents, this.agents)) return;
    this.agentSelect.replaceChildren(
      ...agents.map((agent) => {
        const option = component('vscode-option', { value: agent.id, description: agentDescription(agent) }, agent.name);
        if (agent.id === selectedId) option.setAttribute('selected', '');
        return option;
      }),
    );
    if (selectedId) this.agentSelect.value = selectedId;
    this.agents = agents;
    this.describeSelectedAgent();
    this.setEnabled(agents.length > 0);
    // The picker takes its new value only once its options are in: name the agent from what the host said.
    if (agents.length > 0 && selectedId) this.nameNextAgent(selectedId);
  }

  /** The picker's tooltip names the whole agent, its model and its tools, for when the label has to be shortened. */
  private describeSelectedAgent(): void {
    const agent = this.agents.find((candidate) => candidate.id === this.agentSelect.value);
    this.agentSelect.title = agent ? agentTooltip(agent) : '';
  }

  /**
   * Send and Cancel show their names where the composer is wide, their icons only where it is narrow (their names
   * stay in their tooltips and aria labels). The label leaves the button rather than hiding, since the button keeps
   * a labelled button's padding while it has any content.
   */
  private fitButtonLabels(): void {
    const narrow = this.root.clientWidth <= NARROW_COMPOSER_PX;
    for (const [button, label] of [
      [this.send, this.sendLabel],
      [this.cancel, this.cancelLabel],
    ] as const) {
      if (narrow && label.isConnected) label.remove();
      else if (!narrow && !label.isConnected) button.append(label);
    }
  }

  /** The input names the agent the next message goes to, as the picker does: a thread's answers may come from several. */
  private nameNextAgent(agentId: string | null): void {
    const next = this.agents.find((agent) => agent.id === agentId);
    this.input.setAttribute('placeholder', next ? l10n.t('Message {0}…', next.name) : MESSAGE_PLACEHOLDER);
  }

  focus(): void {
    this.input.focus();
  }

  setRunActive(active: boolean): void {
    this.runActive = active;
    this.cancel.hidden = !active;
    this.send.hidden = active;
  }

  /** Replaces the draft (e.g. with a selection sent from the editor) and focuses the input. */
  prefill(text: string): void {
    this.input.value = text;
    uiState.patch({ draft: text });
    this.input.focus();
  }

  /**
   * Edit and Resend: your message goes into the input to edit; sending it continues in a new thread from before it
   * (the host forks), and this thread keeps the original and everything after it. Escape or the banner's Cancel
   * brings the draft back.
   */
  editMessage(messageId: string, text: string): void {
    this.editing = { messageId, draft: this.editing?.draft ?? this.input.value };
    this.input.value = text;
    const cancel = el('button', 'composer-editing-cancel codicon codicon-close');
    cancel.type = 'button';
    cancel.title = l10n.t('Cancel editing (Escape)');
    cancel.setAttribute('aria-label', l10n.t('Cancel editing'));
    cancel.addEventListener('click', () => this.cancelEdit());
    this.editBanner.replaceChildren(
      el('span', 'codicon codicon-edit'),
      el('span', 'composer-editing-text', l10n.t('Editing: sends to a new thread; this one is kept.')),
      cancel,
    );
    this.editBanner.hidden = false;
    this.input.focus();
  }

  private cancelEdit(): void {
    if (!this.editing) return;
    this.input.value = this.editing.draft;
    this.endEdit();
    this.input.focus();
  }

  private endEdit(): void {
    this.editing = undefined;
    this.editBanner.hidden = true;
    this.editBanner.replaceChildren();
  }

  addAttachments(paths: string[]): void {
    this.attachments = [...new Set([...this.attachments, ...paths])];
    this.renderAttachments();
  }

  private async attachPastedImages(event: ClipboardEvent): Promise<void> {
    const images = [...(event.clipboardData?.files ?? [])].filter((file) => /^image\/(png|jpeg|gif|webp)$/.test(file.type));
    if (images.length === 0) return;
    event.preventDefault();
    const tooLarge = images.filter((file) => file.size > MAX_PASTED_IMAGE_BYTES);
    if (tooLarge.length > 0) this.attachmentList.dataset.warning = `Images over ${MAX_PASTED_IMAGE_BYTES / 2 ** 20} MB are not attached.`;
    const urls = await Promise.all(images.filter((file) => file.size <= MAX_PASTED_IMAGE_BYTES).map(readAsDataUrl));
    this.addAttachments(urls);
  }

  private attachDroppedFiles(event: DragEvent): void {
    const uris = droppedUris(event.dataTransfer);
    if (uris.length === 0) return;
    event.preventDefault();
    void this.attachPicked(host.request('attachUris', { uris }));
  }

  /** Adds the files the host picked or accepted; a failed pick shows nothing new (the host says why in a notice). */
  private async attachPicked(picked: Promise<{ paths: string[] }>): Promise<void> {
    const { paths } = await picked.catch(() => ({ paths: [] }));
    if (paths.length > 0) this.addAttachments(paths);
  }

  /** Without an agent nothing can be sent: every control is off, and the input says what to do first. */
  private setEnabled(enabled: boolean): void {
    for (const control of [this.input, this.send, this.attach, this.agentSelect] as ValueElement[]) control.disabled = !enabled;
    this.agentSelect.hidden = !enabled;
    if (enabled) this.nameNextAgent(this.agentSelect.value);
    else this.input.setAttribute('placeholder', l10n.t('Create an agent above to start chatting.'));
  }

  private submit(): void {
    const text = this.input.value.trim();
    if (!text || this.runActive) return;
    this.history.add(text);
    if (this.editing) {
      postToHost({ type: 'editAndResend', messageId: this.editing.messageId, text });
      this.input.value = this.editing.draft;
      this.endEdit();
      uiState.patch({ draft: this.input.value });
      return;
    }
    this.onSend();
    postToHost({ type: 'send', text, attachments: this.attachments });
    this.input.value = '';
    this.attachments = [];
    this.renderAttachments();
    uiState.patch({ draft: '' });
  }

  private renderAttachments(): void {
    this.attachmentList.replaceChildren(
      ...this.attachments.map((path) => {
        const pasted = path.startsWith('data:');
        const chip = el('span', 'attachment');
        chip.title = pasted ? l10n.t('Pasted image') : path;
        chip.append(
          el('span', `codicon codicon-${pasted || /\.(png|jpe?g|gif|webp)$/i.test(path) ? 'file-media' : 'file'}`),
          el('span', 'attachment-name', pasted ? l10n.t('Pasted image') : path.slice(path.lastIndexOf('/') + 1)),
        );
        const remove = el('button', 'attachment-remove codicon codicon-close');
        remove.type = 'button';
        remove.title = l10n.t('Remove {0}', path.startsWith('data:') ? l10n.t('pasted image') : path);
        remove.setAttribute('aria-label', remove.title);
        remove.addEventListener('click', () => {
          this.attachments = this.attachments.filter((p) => p !== path);
          this.renderAttachments();
        });
        chip.append(remove);
        return chip;
      }),
    );
  }
}

function sameAgents(a: readonly AgentOption[], b: readonly AgentOption[]): boolean {
  return a.length === b.length && a.every((agent, i) => JSON.stringify(agent) === JSON.stringify(b[i]));
}
