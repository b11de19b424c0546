/**
 * What a demanding reader checks on every screen, run inside a webview through ui.evaluate: nothing overflows the
 * view sideways, no control is cut off at the view's edges, and every piece of text (and each status badge) has
 * WCAG AA contrast against what is actually behind it (4.5:1, or 3:1 for large or bold-large text).
 *
 * It must be self-contained: the driver sends its source text to the browser.
 */
export interface AuditFinding {
  kind: 'overflow' | 'clipped' | 'contrast';
  what: string;
  detail: string;
}

export function visualAudit(): AuditFinding[] {
  type Rgba = [number, number, number, number];
  const findings: AuditFinding[] = [];
  const label = (element: Element): string => {
    const id = element.id ? `#${element.id}` : '';
    const classes = [...element.classList]
      .filter((c) => !c.startsWith('codicon'))
      .slice(0, 2)
      .map((c) => `.${c}`)
      .join('');
    const text = (element.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 30);
    return `${element.tagName.toLowerCase()}${id}${classes}${text ? ` "${text}"` : ''}`;
  };
  const parse = (color: string): Rgba => {
    const numbers = color.match(/[\d.]+/g)?.map(Number) ?? [0, 0, 0, 0];
    // color-mix() computes to `color(srgb r g b / a)`, its channels from 0 to 1.
    if (color.startsWith('color(srgb')) return [numbers[0] * 255, numbers[1] * 255, numbers[2] * 255, numbers.length > 3 ? numbers[3] : 1];
    return [numbers[0], numbers[1], numbers[2], numbers.length > 3 ? numbers[3] : 1];
  };
  const over = (top: Rgba, bottom: Rgba): Rgba => {
    const alpha = top[3] + bottom[3] * (1 - top[3]);
    if (alpha === 0) return [0, 0, 0, 0];
    const mix = (i: number) => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / alpha;
    return [mix(0), mix(1), mix(2), alpha];
  };
  /**
   * The element drawn under `node`: for text slotted into a component (a label in a vscode-button), the slot in the
   * component's shadow tree, whose parents carry the component's own background; past a shadow root, its host.
   */
  const underneath = (node: Element): Element | null =>
    node.assignedSlot ?? node.parentElement ?? ((node.parentNode as ShadowRoot | null)?.host || null);
  /** The colour behind an element: its own background over its ancestors', down to the page's. */
  const backgroundOf = (element: Element): Rgba => {
    const layers: Rgba[] = [];
    for (let node: Element | null = element; node; node = underneath(node)) {
      const layer = parse(getComputedStyle(node).backgroundColor);
      if (layer[3] > 0) layers.push(layer);
      if (layer[3] >= 1) break;
    }
    let result: Rgba = [255, 255, 255, 1];
    for (const layer of layers.reverse()) result = over(layer, result);
    return result;
  };
  const luminance = ([r, g, b]: Rgba) => {
    const channel = (value: number) => {
      const c = value / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const ratio = (a: Rgba, b: Rgba) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const visible = (element: Element) => {
    const rect = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    return rect.width > 0 && rect.height > 0 && style.visibility !== 'hidden' && style.display !== 'none' && Number(style.opacity) > 0;
  };

  const root = document.scrollingElement ?? document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) {
    findings.push({ kind: 'overflow', what: 'page', detail: `scrollWidth ${root.scrollWidth} > clientWidth ${root.clientWidth}` });
  }
  const viewport = { left: 0, right: document.documentElement.clientWidth };
  for (const control of document.querySelectorAll('button, vscode-button, vscode-single-select, vscode-textarea, input, select, a[href]')) {
    if (!visible(control)) continue;
    // Controls inside a scrolling region (the conversation) may be scrolled off; only the fixed chrome must fit.
    if (control.closest('#messages')) continue;
    const rect = control.getBoundingClientRect();
    if (rect.left < viewport.left - 1 || rect.right > viewport.right + 1) {
      findings.push({
        kind: 'clipped',
        what: label(control),
        detail: `spans ${Math.round(rect.left)}–${Math.round(rect.right)} of 0–${viewport.right}`,
      });
    }
  }
  const seen = new Set<Element>();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!element || seen.has(element) || !(node.textContent ?? '').trim() || !visible(element)) continue;
    if (element.closest('.visually-hidden, [aria-hidden="true"], script, style')) continue;
    seen.add(element);
    const style = getComputedStyle(element);
    const background = backgroundOf(element);
    const foreground = over(parse(style.color), background);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const needed = large ? 3 : 4.5;
    const measured = ratio(foreground, background);
    if (measured < needed) {
      findings.push({
        kind: 'contrast',
        what: label(element),
        detail: `${measured.toFixed(2)}:1 < ${needed}:1 (${style.color} on rgb(${background.slice(0, 3).map(Math.round).join(', ')}))`,
      });
    }
  }
  return findings;
}
