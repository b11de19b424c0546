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

/** UI-only state that survives the webview being hidden or reloaded (and lets a panel be restored). */
export interface UiState {
  draft?: string;
  threadId?: string;
}

export const uiState = {
  get(): UiState {
    return api.getState<UiState>() ?? {};
  },
  /** Merges into the saved state, so separate parts of the UI keep separate fields. */
  patch(update: Partial<UiState>): void {
    api.setState<UiState>({ ...uiState.get(), ...update });
  },
};
