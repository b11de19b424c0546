import { el } from './dom';
import * as l10n from '@vscode/l10n';

type TextInput = HTMLElement & { value: string; wrappedElement?: HTMLTextAreaElement };

/** `#` then the text typed so far, at the caret, after the start of the input or a space. */
const MENTION_AT_CARET = /(^|\s)#([^\s#]*)$/;

/**
 * `#` in the composer mentions a workspace file, as in Copilot Chat: a list above the input offers the files
 * whose path matches what follows the `#` (the host searches the workspace), Up and Down move through it, Enter
 * or Tab (or a click) picks one, Escape closes it. The pick replaces the typed `#text` and attaches the file.
 */
export class FileMentions {
  readonly popup = el('div', 'mention-popup');
  private results: string[] = [];
  private active = 0;
  /** Where the `#text` is in the input (from the `#` to the caret as it was typed), while the list is open. */
  private start = -1;
  private end = -1;
  /** Answers to older keystrokes arriving late are dropped. */
  private asked = 0;

  constructor(
    private readonly input: TextInput,
    private readonly find: (query: string) => Promise<string[]>,
    private readonly attach: (path: string) => void,
  ) {
    this.popup.id = 'mention-list';
    this.popup.setAttribute('role', 'listbox');
    this.popup.setAttribute('aria-label', l10n.t('Workspace files'));
    this.popup.hidden = true;
    // Before the click: the input keeps the focus, so typing goes on after a pick.
    this.popup.addEventListener('mousedown', (event) => event.preventDefault());
    this.popup.addEventListener('click', (event) => {
      const option = (event.target as HTMLElement).closest<HTMLElement>('[data-path]');
      if (option) this.pick(option.dataset.path!);
    });
    input.addEventListener('input', () => void this.update());
    input.addEventListener('blur', () => this.close());
  }

  get isOpen(): boolean {
    return !this.popup.hidden;
  }

  /** Handles the keys of the open list; true when the key was its (the composer then does nothing with it). */
  handleKey(event: KeyboardEvent): boolean {
    if (!this.isOpen) return false;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      const step = event.key === 'ArrowDown' ? 1 : -1;
      this.active = (this.active + step + this.results.length) % this.results.length;
      this.render();
    } else if ((event.key === 'Enter' || event.key === 'Tab') && !event.shiftKey) {
      this.pick(this.results[this.active]);
    } else if (event.key === 'Escape') {
      this.close();
    } else return false;
    event.preventDefault();
    event.stopPropagation();
    return true;
  }

  private async update(): Promise<void> {
    const textarea = this.input.wrappedElement;
    const caret = textarea?.selectionStart ?? this.input.value.length;
    const match = MENTION_AT_CARET.exec(this.input.value.slice(0, caret));
    if (!match) return this.close();
    const asked = ++this.asked;
    const paths = await this.find(match[2]).catch(() => []);
    if (asked !== this.asked) return;
    this.start = caret - match[2].length - 1;
    this.end = caret;
    this.results = paths;
    this.active = 0;
    if (paths.length === 0) return this.close();
    this.popup.hidden = false;
    this.render();
  }

  private render(): void {
    this.popup.replaceChildren(
      ...this.results.map((path, index) => {
        const slash = path.lastIndexOf('/');
        const option = el('div', 'mention-option');
        option.id = `mention-option-${index}`;
        option.dataset.path = path;
        option.title = path;
        option.setAttribute('role', 'option');
        option.setAttribute('aria-selected', String(index === this.active));
        option.append(
          el('span', 'codicon codicon-file'),
          el('span', 'mention-name', path.slice(slash + 1)),
          el('span', 'mention-folder', slash > 0 ? path.slice(0, slash) : ''),
        );
        return option;
      }),
    );
    this.popup.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }

  private pick(path: string | undefined): void {
    if (path === undefined) return;
    // The range found as it was typed: the caret may have moved since (a webview losing and regaining the focus).
    const textarea = this.input.wrappedElement;
    const value = this.input.value;
    this.input.value = value.slice(0, this.start) + value.slice(this.end);
    textarea?.setSelectionRange(this.start, this.start);
    this.input.dispatchEvent(new Event('input', { bubbles: true }));
    this.close();
    this.attach(path);
  }

  private close(): void {
    this.asked++;
    this.popup.hidden = true;
    this.results = [];
  }
}
