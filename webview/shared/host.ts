import type { HostToWebview, WebviewToHost } from '../../src/protocol/messages';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState<T>(): T | undefined;
  setState<T>(state: T): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

/** Sends an intent to the extension host. */
export function postToHost(message: WebviewToHost): void {
  api.postMessage(message);
}

/** Subscribes to messages from the extension host. */
export function onHostMessage(listener: (message: HostToWebview) => void): void {
  window.addEventListener('message', (event: MessageEvent<HostToWebview>) => listener(event.data));
}

/** UI-only state that survives the webview being hidden or reloaded. */
export const uiState = {
  get<T>(): T | undefined {
    return api.getState<T>();
  },
  set<T>(state: T): void {
    api.setState(state);
  },
};
