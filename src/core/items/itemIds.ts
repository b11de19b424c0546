// Stable, reversible ids for items, conversations and responses. Every item id is made from the id of the domain
// object that holds it, so an id read from one listing finds the same item in the next (`after` cursors), and no
// index of item ids has to be kept. Our ids are `<prefix>_<8..64 letters or digits>`, so `_` separates parts.
//
//   item                     id                         holds it
//   message                  msg_<m>                    the message msg_<m> itself
//   reasoning                rs_<m>                     message msg_<m> (its reasoning)
//   function_call            fc_<m>_<i>                 message msg_<m>, tool call i
//   function_call_output     fco_<m>_<i>                message msg_<m>, tool call i (its output)
//   mcp_call                 mcp_<m>_<i>                message msg_<m>, tool call i (a workspace tool)
//   mcp_approval_request     mcpr_<m>_<i>               message msg_<m>, tool call i while it awaits approval
//   mcp_approval_response    mcpa_<m>_<i>               the decision on that call (input items only)
//   conversation             conv_<t>                   thread thread_<t>
//   response                 resp_<t>_<r>               run run_<r> of thread thread_<t>

import { isValidId } from '../domain/ids';

export type CallItemKind = 'fc' | 'fco' | 'mcp' | 'mcpr' | 'mcpa';
const CALL_KINDS: readonly CallItemKind[] = ['fc', 'fco', 'mcp', 'mcpr', 'mcpa'];

/** Where an item id points. */
export type ItemRef =
  | { kind: 'message'; messageId: string }
  | { kind: 'reasoning'; messageId: string }
  | { kind: CallItemKind; messageId: string; callIndex: number };

const BODY = '[A-Za-z0-9]{8,64}';

function bodyOf(id: string): string {
  return id.slice(id.indexOf('_') + 1);
}

export function messageItemId(messageId: string): string {
  return messageId;
}

export function reasoningItemId(messageId: string): string {
  return `rs_${bodyOf(messageId)}`;
}

export function callItemId(kind: CallItemKind, messageId: string, callIndex: number): string {
  return `${kind}_${bodyOf(messageId)}_${callIndex}`;
}

/** What an item id names, or undefined when it is not one of ours. */
export function parseItemId(id: string): ItemRef | undefined {
  if (isValidId('msg', id)) return { kind: 'message', messageId: id };
  const reasoning = new RegExp(`^rs_(${BODY})$`).exec(id);
  if (reasoning) return { kind: 'reasoning', messageId: `msg_${reasoning[1]}` };
  const call = new RegExp(`^([a-z]+)_(${BODY})_(\\d{1,4})$`).exec(id);
  if (call && (CALL_KINDS as readonly string[]).includes(call[1])) {
    return { kind: call[1] as CallItemKind, messageId: `msg_${call[2]}`, callIndex: Number(call[3]) };
  }
  return undefined;
}

export function conversationId(threadId: string): string {
  return `conv_${bodyOf(threadId)}`;
}

/** The thread a conversation id names (a thread id is accepted as it is), or undefined. */
export function threadIdOfConversation(id: string): string | undefined {
  if (isValidId('thread', id)) return id;
  const match = new RegExp(`^conv_(${BODY})$`).exec(id);
  return match ? `thread_${match[1]}` : undefined;
}

export function responseId(threadId: string, runId: string): string {
  return `resp_${bodyOf(threadId)}_${bodyOf(runId)}`;
}

/** The thread and run a response id names, or undefined. */
export function parseResponseId(id: string): { threadId: string; runId: string } | undefined {
  const match = new RegExp(`^resp_(${BODY})_(${BODY})$`).exec(id);
  return match ? { threadId: `thread_${match[1]}`, runId: `run_${match[2]}` } : undefined;
}
