import type { ReplyMessage, RequestMessage, RequestsOf } from '../../protocol/ipc';
import { errorMessage } from '../shared/errors';

/** Answers one request of a webview with `answer`'s result; the reply's type follows from the request's method. */
export type Replier<Requests extends RequestsOf> = <Method extends keyof Requests & string>(
  request: Extract<RequestMessage<Requests>, { type: Method }>,
  answer: () => Promise<Requests[Method]['result']> | Requests[Method]['result'],
) => Promise<void>;

/**
 * A replier for one webview protocol: it posts the answer's result as the request's reply, or the error's message
 * when the answer throws, so the webview's pending request always settles.
 */
export function replier<Requests extends RequestsOf>(post: (reply: ReplyMessage<Requests>) => void): Replier<Requests> {
  return async (request, answer) => {
    const base = { type: 'reply' as const, method: request.type, requestId: request.requestId };
    try {
      const result = await answer();
      post({ ...base, ok: true, result } as ReplyMessage<Requests>);
    } catch (error) {
      post({ ...base, ok: false, error: errorMessage(error) } as ReplyMessage<Requests>);
    }
  };
}
