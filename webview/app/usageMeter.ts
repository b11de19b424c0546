// The header's usage meter: the thread's tokens and cost so far, in quiet text beside the run's badge. A narrow
// header shows the short form (the stylesheet picks it by the header's width); screen readers always get the full one.

import type { UsageView } from '../../src/protocol/threadView';
import { el } from './dom';

export class UsageMeter {
  readonly element = el('span', 'thread-usage');
  private readonly full = el('span', 'usage-full');
  private readonly short = el('span', 'usage-short');

  constructor() {
    this.element.id = 'thread-usage';
    this.short.setAttribute('aria-hidden', 'true');
    this.element.append(this.full, this.short);
    this.element.hidden = true;
  }

  /** Shows the figures, or nothing before the thread's first model call. */
  show(usage: UsageView | null): void {
    this.element.hidden = !usage;
    this.full.textContent = usage?.text ?? '';
    this.short.textContent = usage?.short ?? '';
    this.element.title = usage?.tooltip ?? '';
  }
}
