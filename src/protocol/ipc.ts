/**
 * What every webview protocol is made of (one protocol per webview: threadView.ts, agentEditor.ts). Webviews send
 * intents and requests; the host sends events and replies. A request is a message that expects an answer: it
 * carries a `requestId`, and the host answers with a reply of the same id whose result type the request names,
 * so both sides agree on the answer at compile time.
 */

/** Which webview a document is: set on `<body data-agent-threads-view>` so tests and the host can tell them apart. */
export type WebviewKind = 'chat' | 'thread' | 'agent';

/** A protocol's requests: method name → the fields the webview sends, and the result the host answers with. */
export type RequestsOf = Record<string, { params: object; result: unknown }>;

/** A request as it travels: its method as `type`, a `requestId`, and its params' fields. */
export type RequestMessage<Requests extends RequestsOf> = {
  [Method in keyof Requests & string]: { type: Method; requestId: number } & Requests[Method]['params'];
}[keyof Requests & string];

/** The host's answer to one request: the typed result, or why it failed (already in words for the user). */
export type ReplyMessage<Requests extends RequestsOf> = {
  [Method in keyof Requests & string]:
    | { type: 'reply'; method: Method; requestId: number; ok: true; result: Requests[Method]['result'] }
    | { type: 'reply'; method: Method; requestId: number; ok: false; error: string };
}[keyof Requests & string];

type FieldKind = 'string' | 'number' | 'boolean' | 'string[]' | 'object';
/** For each message type a webview may send, its fields and their kinds (a request's `requestId` is added). */
export type MessageFields<Message extends { type: string }> = { [Type in Message['type']]: Record<string, FieldKind> };

/**
 * Narrows an unknown `postMessage` payload to one of a webview's messages; anything malformed is rejected.
 * A webview is untrusted input (its content renders model output), so the host checks every field.
 */
export function messageGuard<Message extends { type: string }>(
  fields: MessageFields<Message>,
  requests: readonly string[] = [],
): (value: unknown) => value is Message {
  return (value: unknown): value is Message => {
    if (typeof value !== 'object' || value === null) return false;
    const message = value as Record<string, unknown>;
    if (typeof message.type !== 'string' || !Object.prototype.hasOwnProperty.call(fields, message.type)) return false;
    const expected: Record<string, FieldKind> = fields[message.type as Message['type']];
    const all = requests.includes(message.type) ? { ...expected, requestId: 'number' as const } : expected;
    return Object.entries(all).every(([name, kind]) => {
      const field = message[name];
      if (kind === 'string[]') return Array.isArray(field) && field.every((item) => typeof item === 'string');
      if (kind === 'object') return typeof field === 'object' && field !== null && !Array.isArray(field);
      return typeof field === kind;
    });
  };
}
