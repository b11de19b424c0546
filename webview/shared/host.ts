import type { RequestMessage, RequestsOf } from '../../src/protocol/ipc';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState<T>(): T | undefined;
  setState<T>(state: T): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

// acquireVsCodeApi may be called once per document.
const api = acquireVsCodeApi();

/** The host's answer to a request, as it arrives; `hostChannel` settles the pending promise with it. */
interface AnyReply {
  type: 'reply';
  requestId: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/**
 * The typed channel of one webview to the extension host: `ToHost` what it may send, `Events` what the host tells
 * it, `Requests` the questions it may ask and the answers they get. Replies settle their request and are not
 * delivered as events.
 */
export function hostChannel<ToHost extends { type: string }, Events extends { type: string }, Requests extends RequestsOf>() {
  let nextRequestId = 1;
  const pending = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  const listeners: ((event: Events) => void)[] = [];
  window.addEventListener('message', (event: MessageEvent<Events | AnyReply>) => {
    const message = event.data;
    if (message.type !== 'reply') {
      for (const listener of listeners) listener(message as Events);
      return;
    }
    const reply = message as AnyReply;
    const waiting = pending.get(reply.requestId);
    pending.delete(reply.requestId);
    if (reply.ok) waiting?.resolve(reply.result);
    else waiting?.reject(new Error(reply.error ?? 'The request failed.'));
  });
  return {
    /** Sends an intent. */
    post(message: ToHost): void {
      api.postMessage(message);
    },
    /** Subscribes to the host's events. */
    onEvent(listener: (event: Events) => void): void {
      listeners.push(listener);
    },
    /** Asks the host; resolves with its typed answer, or rejects with the reason it gave. */
    request<Method extends keyof Requests & string>(
      method: Method,
      params: Requests[Method]['params'],
    ): Promise<Requests[Method]['result']> {
      const requestId = nextRequestId++;
      return new Promise((resolve, reject) => {
        pending.set(requestId, { resolve: (result) => resolve(result as Requests[Method]['result']), reject });
        api.postMessage({ ...params, type: method, requestId } as RequestMessage<Requests>);
      });
    },
  };
}

/** UI-only state that survives the webview being hidden or reloaded (and lets a panel be restored). */
export interface UiState {
  draft?: string;
  threadId?: string;
  /** What was sent from the composer, oldest first, for Up to recall. */
  sent?: string[];
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
