/**
 * Typed messages between the extension host and the webviews. Both sides import this file, so a renamed field is
 * a compile error on both. Webviews only render and send intents; the host owns all state.
 */

/** Which webview a document is: set on `<body data-agent-threads-view>` so tests and the host can tell them apart. */
export type WebviewKind = 'chat' | 'thread';

/** Messages a webview sends to the host. */
export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'ping'; id: number };

/** Messages the host sends to a webview. */
export type HostToWebview =
  | { type: 'pong'; id: number; extensionVersion: string }
  | { type: 'status'; text: string };

/** Narrows an unknown `postMessage` payload to a webview message; anything else is ignored by the host. */
export function isWebviewToHost(value: unknown): value is WebviewToHost {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as { type?: unknown; id?: unknown };
  switch (message.type) {
    case 'ready':
      return true;
    case 'ping':
      return typeof message.id === 'number';
    default:
      return false;
  }
}
