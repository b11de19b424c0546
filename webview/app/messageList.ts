import type { MessageView, RevealView } from '../../src/protocol/threadView';
import { postToHost } from './host';
import { authorTitle, createMessageElement, updateMessageElement } from './messageRenderer';
import { withReasoningDelta } from './reasoningPart';
import { markSearchWords } from './searchMarks';

/** At most this many messages are in the DOM, whatever the thread's length; the rest are paged in on scroll. */
export const MAX_MESSAGES_IN_DOM = 150;
const EDGE_PX = 300;
/** Rendering time per frame while a page of history goes in (a frame is about 16 ms; layout and paint need the rest). */
const SLICE_BUDGET_MS = 6;

/**
 * A sliding window over a thread: the host sends pages, the list keeps a bounded run of consecutive messages in
 * the DOM, asks for older ones when the top comes near and newer ones when the bottom does, and keeps the
 * reader's place while it prepends.
 */
export class MessageList {
  private messages: MessageView[] = [];
  private readonly elements = new Map<string, HTMLElement>();
  private hasOlder = false;
  private hasNewer = false;
  private loading = false;
  /**
   * The page of history being put in, a slice per frame; cancelled when another page replaces the window. When it
   * is the newest page, `messages` is its queue, where messages written meanwhile join it (see add()).
   */
  private insert: { cancelled: boolean; messages?: MessageView[] } | undefined;
  /** Whether the reader is at the newest end; then content that grows or a view that shrinks keeps them there. */
  private pinned = true;

  constructor(
    private readonly scroller: HTMLElement,
    private readonly empty: HTMLElement,
    /** Who a message's header names: "You", or the agent that wrote it. */
    private readonly authorOf: (message: MessageView) => string,
    /** Called when a message that was being written is finished (for the screen-reader announcement). */
    private readonly onFinished: (message: MessageView, element: HTMLElement) => void = () => undefined,
  ) {
    scroller.addEventListener('scroll', () => this.onScroll(), { passive: true });
    // Layout changes after we scrolled (components upgrading, the composer resizing, images) must not unpin.
    new ResizeObserver(() => {
      if (this.pinned) this.scrollToBottom();
    }).observe(scroller);
  }

  showPage(messages: MessageView[], hasOlder: boolean, hasNewer: boolean, position: 'newest' | 'older' | 'newer' | 'around'): void {
    this.cancelInsert();
    if (position === 'newest' || position === 'around') {
      this.loading = false;
      this.clear();
      this.messages = messages;
      this.hasOlder = hasOlder;
      this.hasNewer = position === 'around' && hasNewer;
      this.scroller.append(...messages.map((m) => this.elementFor(m)));
      // A page around a message is followed by reveal(), which scrolls to it.
      if (position === 'newest') this.scrollToBottom();
      else this.pinned = false;
      this.updateEmpty();
    } else {
      // Still loading until the whole page is in: the edge that asked for it must not ask again meanwhile.
      this.insertInSlices([...messages], position, !hasNewer, () => {
        if (position === 'older') this.hasOlder = hasOlder;
        else this.hasNewer = hasNewer;
        this.loading = false;
      });
    }
  }

  /**
   * Puts a page of older or newer messages in, a slice per animation frame of at most SLICE_BUDGET_MS of rendering
   * (Markdown, sanitizing, highlighting), so scrolling into the history never stalls a frame on a whole page. Older
   * messages go in from the newest end of the page, each slice above the last, keeping what the reader was looking
   * at in place; newer ones from the oldest end, below.
   */
  private insertInSlices(messages: MessageView[], position: 'older' | 'newer', reachesNewest: boolean, done: () => void): void {
    const job = { cancelled: false, messages: position === 'newer' && reachesNewest ? messages : undefined };
    this.insert = job;
    let next = position === 'older' ? messages.length - 1 : 0;
    const left = () => (position === 'older' ? next >= 0 : next < messages.length);
    const slice = () => {
      if (job.cancelled) return;
      if (!left()) {
        this.insert = undefined;
        return done();
      }
      const start = performance.now();
      const views: MessageView[] = [];
      const elements: HTMLElement[] = [];
      do {
        const message = messages[position === 'older' ? next-- : next++];
        // Never twice: a message added while the page was on its way (e.g. the answer streaming in) is already shown.
        if (this.elements.has(message.id)) continue;
        views.push(message);
        const element = this.elementFor(message);
        element.classList.add('paged');
        elements.push(element);
      } while (left() && performance.now() - start < SLICE_BUDGET_MS);
      if (position === 'older') this.prependSlice(views.reverse(), elements.reverse());
      else {
        this.messages = [...this.messages, ...views];
        this.scroller.append(...elements);
        this.trim('start');
      }
      this.updateEmpty();
      if (left()) requestAnimationFrame(slice);
      else slice();
    };
    slice();
  }

  private prependSlice(views: MessageView[], elements: HTMLElement[]): void {
    const anchor = this.placeAnchor();
    const anchorTop = anchor?.getBoundingClientRect().top ?? 0;
    this.messages = [...views, ...this.messages];
    this.scroller.prepend(...elements);
    this.trim('end');
    // Keep what the reader was looking at in place while older messages appear above it.
    if (anchor) this.scroller.scrollTop += anchor.getBoundingClientRect().top - anchorTop;
  }

  /**
   * The message that marks the reader's place: the first to start inside the view. Never the first in the list: a
   * message above it changes its own look (the rule and spacing between turns), so its top is no fixed point.
   */
  private placeAnchor(): Element | null {
    const viewTop = this.scroller.getBoundingClientRect().top;
    let anchor = this.scroller.firstElementChild?.nextElementSibling ?? null;
    while (anchor?.nextElementSibling && anchor.getBoundingClientRect().top < viewTop) anchor = anchor.nextElementSibling;
    return anchor ?? this.scroller.firstElementChild;
  }

  /** Stops putting in a page that a newer page (or a jump to the newest) made moot. */
  private cancelInsert(): void {
    if (this.insert) this.insert.cancelled = true;
    this.insert = undefined;
  }

  /** A message just written to the thread; shown only when the window reaches the newest end. */
  add(message: MessageView): void {
    const queue = this.insert?.messages;
    if (queue) {
      // The newest page is still going in: the message goes in after it (or replaces its older version there).
      const queued = queue.findIndex((m) => m.id === message.id);
      if (queued >= 0) queue[queued] = message;
      else queue.push(message);
      return;
    }
    if (this.hasNewer || this.elements.has(message.id)) return;
    const stick = this.pinned || this.isAtBottom();
    this.messages.push(message);
    this.scroller.append(this.elementFor(message));
    this.trim('start');
    this.updateEmpty();
    if (stick) this.scrollToBottom();
  }

  update(message: MessageView): void {
    const index = this.messages.findIndex((m) => m.id === message.id);
    const element = this.elements.get(message.id);
    if (index < 0 || !element) return this.add(message);
    const stick = this.pinned || this.isAtBottom();
    const finished = this.messages[index].status === 'in_progress' && message.status !== 'in_progress';
    this.messages[index] = message;
    updateMessageElement(element, message, this.authorOf(message));
    this.scroller.setAttribute('aria-busy', String(this.messages.some((m) => m.status === 'in_progress')));
    if (finished) this.onFinished(message, element);
    if (stick) this.scrollToBottom();
  }

  /** The Markdown text of a message in the window (for Copy). */
  textOf(messageId: string): string | undefined {
    return this.messages.find((m) => m.id === messageId)?.text;
  }

  /** The Markdown text of the newest message of yours in the window (for Up in an empty composer). */
  lastUserText(): string | undefined {
    for (let i = this.messages.length - 1; i >= 0; i--) if (this.messages[i].role === 'user') return this.messages[i].text;
    return undefined;
  }

  /**
   * Renames the authors in the headers, e.g. when agent names arrive or change. Only the names: re-rendering the
   * messages would render every body's Markdown again (a 10 MB paste takes seconds).
   */
  refreshAuthors(): void {
    for (const message of this.messages) {
      const element = this.elements.get(message.id);
      const author = element?.querySelector<HTMLElement>('.message-author');
      const name = this.authorOf(message);
      if (!element || !author || author.textContent === name) continue;
      author.textContent = name;
      author.title = authorTitle(message, name);
      element.setAttribute('aria-label', `${name}${message.status === 'in_progress' ? ', writing' : ''}`);
    }
  }

  /**
   * The user is sending: their message must come into view, wherever they had scrolled. Far back in the history
   * (newer pages not in the window) the newest page is loaded again.
   */
  followSend(): void {
    this.pinned = true;
    if (this.hasNewer) {
      this.loading = true;
      postToHost({ type: 'loadNewest' });
    } else this.scrollToBottom();
  }

  /**
   * Brings a message of the window into view (a search result): centred, or at its first marked word when it is
   * taller than the view, with the words searched for marked and the message briefly highlighted.
   */
  reveal({ messageId, words, prefix }: RevealView): void {
    const element = this.elements.get(messageId);
    if (!element) return;
    const marks = markSearchWords(element.querySelector('.message-body') ?? element, { words, prefix });
    const tall = element.getBoundingClientRect().height > this.scroller.clientHeight;
    (tall && marks[0] ? marks[0] : element).scrollIntoView({ block: 'center' });
    this.pinned = this.isAtBottom();
    // Only a search result flashes, as the editor flashes a match it jumps to; another version of a message (Retry,
    // Edit and Resend) is just brought into view: the flash's fill leaves its text under 4.5:1 in light themes.
    if (words.length === 0 && !prefix) return;
    // Restarted when the same message is revealed again; the class goes once the highlight has faded.
    element.classList.remove('search-target');
    void element.offsetWidth;
    element.classList.add('search-target');
    element.addEventListener('animationend', () => element.classList.remove('search-target'), { once: true });
  }

  appendText(messageId: string, text: string): void {
    const index = this.messages.findIndex((m) => m.id === messageId);
    if (index < 0) return;
    this.update({ ...this.messages[index], text: this.messages[index].text + text });
  }

  /** More of an answer's reasoning summary, as it streams (before the answer's text). */
  appendReasoning(messageId: string, summaryIndex: number, text: string): void {
    const message = this.messages.find((m) => m.id === messageId);
    if (message) this.update({ ...message, reasoning: withReasoningDelta(message.reasoning, summaryIndex, text) });
  }

  private elementFor(message: MessageView): HTMLElement {
    const element = createMessageElement(message, this.authorOf(message));
    this.elements.set(message.id, element);
    return element;
  }

  private trim(from: 'start' | 'end'): void {
    while (this.messages.length > MAX_MESSAGES_IN_DOM) {
      const removed = from === 'start' ? this.messages.shift()! : this.messages.pop()!;
      this.elements.get(removed.id)?.remove();
      this.elements.delete(removed.id);
      if (from === 'start') this.hasOlder = true;
      else this.hasNewer = true;
    }
  }

  private onScroll(): void {
    this.pinned = this.isAtBottom();
    if (this.loading || this.messages.length === 0) return;
    if (this.scroller.scrollTop < EDGE_PX && this.hasOlder) {
      this.loading = true;
      postToHost({ type: 'loadOlder', beforeId: this.messages[0].id });
    } else if (this.hasNewer && this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight < EDGE_PX) {
      this.loading = true;
      postToHost({ type: 'loadNewer', afterId: this.messages[this.messages.length - 1].id });
    }
  }

  private isAtBottom(): boolean {
    return this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight < 40;
  }

  private scrollToBottom(): void {
    this.scroller.scrollTop = this.scroller.scrollHeight;
    this.pinned = true;
  }

  private clear(): void {
    for (const element of this.elements.values()) element.remove();
    this.elements.clear();
    this.messages = [];
  }

  private updateEmpty(): void {
    this.empty.hidden = this.messages.length > 0;
  }
}
