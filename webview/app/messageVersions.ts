import type { MessageVersionsView, VersionRefView } from '../../src/protocol/threadView';
import { postToHost } from './host';
import { el } from './dom';
import * as l10n from '@vscode/l10n';

/**
 * "‹ 2 / 3 ›" under a message that has other versions (its answer retried, or the user's message edited and resent), as
 * Copilot Chat shows under an answer it regenerated (under, not in the header: at 240 px the header has no room left). Each version lives in its own thread (Retry and Edit and Resend
 * fork), so an arrow moves the view to the thread that holds it, scrolled to that version.
 */
const versionsByMessage = new Map<string, MessageVersionsView>();

/** Replaces what is known of the thread's versions and redraws the switchers of the messages on screen. */
export function setVersions(versions: MessageVersionsView[], root: ParentNode): void {
  const changed = new Set([...versionsByMessage.keys(), ...versions.map((v) => v.messageId)]);
  versionsByMessage.clear();
  for (const version of versions) versionsByMessage.set(version.messageId, version);
  for (const messageId of changed) {
    const body = root.querySelector(`article.message[data-message-id="${CSS.escape(messageId)}"] > .message-body`);
    if (!body) continue;
    body.parentElement!.querySelector(':scope > .message-versions')?.remove();
    const switcher = versionSwitcher(messageId);
    if (switcher) body.after(switcher);
  }
}

/** The switcher of a message, or null when it has no other version. */
export function versionSwitcher(messageId: string): HTMLElement | null {
  const versions = versionsByMessage.get(messageId);
  if (!versions) return null;
  const position = l10n.t('{0} / {1}', versions.index + 1, versions.total);
  const group = el('span', 'message-versions');
  group.setAttribute('role', 'group');
  group.setAttribute('aria-label', l10n.t('Version {0} of {1}', versions.index + 1, versions.total));
  group.append(
    arrow('chevron-left', l10n.t('Previous version'), versions.previous),
    el('span', 'message-versions-position', position),
    arrow('chevron-right', l10n.t('Next version'), versions.next),
  );
  return group;
}

function arrow(icon: string, label: string, target: VersionRefView | null): HTMLButtonElement {
  const button = el('button', `message-version-arrow codicon codicon-${icon}`);
  button.type = 'button';
  button.title = label;
  button.setAttribute('aria-label', label);
  button.disabled = target === null;
  if (target)
    button.addEventListener('click', () =>
      postToHost({ type: 'openVersion', threadId: target.threadId, messageId: target.messageId ?? '' }),
    );
  return button;
}
