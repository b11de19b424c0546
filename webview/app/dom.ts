/** Creates an element with a class and optional text; text always goes through textContent, never innerHTML. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

/** Creates one of the vscode-elements components, with attributes. */
export function component(tag: string, attributes: Record<string, string> = {}, text?: string): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  if (text !== undefined) element.textContent = text;
  return element;
}

/**
 * A vscode-collapsible whose header says what it is to assistive technology: the component makes its header
 * focusable but gives it no role or expanded state, so a screen reader would announce a bare heading.
 */
export function accessibleCollapsible(attributes: Record<string, string>): HTMLElement {
  const collapsible = component('vscode-collapsible', attributes) as HTMLElement & { open?: boolean; updateComplete?: Promise<unknown> };
  const describe = () => {
    const header = collapsible.shadowRoot?.querySelector('.collapsible-header');
    if (!header) return;
    header.setAttribute('role', 'button');
    header.setAttribute('aria-expanded', String(collapsible.open === true));
    header.setAttribute('aria-label', attributes.title ?? '');
  };
  collapsible.addEventListener('vsc-collapsible-toggle', describe);
  // The shadow root is rendered once the element is upgraded and connected.
  queueMicrotask(() => void (collapsible.updateComplete ?? Promise.resolve()).then(describe));
  return collapsible;
}
