import { el } from './dom';
import * as l10n from '@vscode/l10n';

/**
 * An image in a message as a button: a click, Enter or Space opens it full size. Message images are data: URLs
 * (pasted or produced), which VS Code cannot open as files, so they open in a dialog over the view: at their own
 * size, scrolling when larger than the view, closed with Escape, the close button or a click beside the image.
 */
export function imageOpener(src: string, alt: string): HTMLButtonElement {
  const button = el('button', 'image-open');
  button.type = 'button';
  button.title = l10n.t('Open image full size');
  button.setAttribute('aria-label', alt ? l10n.t('Open image full size: {0}', alt) : l10n.t('Open image full size'));
  const img = el('img');
  img.src = src;
  img.alt = alt;
  button.append(img);
  button.addEventListener('click', () => openImage(src, alt));
  return button;
}

/** Shows one image full size in a modal dialog; the focus goes back to what opened it when it closes. */
export function openImage(src: string, alt: string): HTMLDialogElement {
  const dialog = el('dialog', 'image-viewer');
  dialog.setAttribute('aria-label', alt || l10n.t('Image'));
  const close = el('button', 'image-viewer-close codicon codicon-close');
  close.type = 'button';
  close.title = l10n.t('Close (Escape)');
  close.setAttribute('aria-label', l10n.t('Close image'));
  close.addEventListener('click', () => dialog.close());
  const img = el('img', 'image-viewer-image');
  img.src = src;
  img.alt = alt;
  dialog.append(close, img);
  // A click on the backdrop (the dialog itself, outside the image) closes it, as in VS Code's own overlays.
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  close.focus();
  return dialog;
}
