// Our Responses / Conversations wire types against the openai package's: each must be assignable to the package's
// type of the same name, so a drift fails to compile (npm run compile) before any client meets it.

import { strict as assert } from 'node:assert';
import type { Conversation, ConversationDeletedResource } from 'openai/resources/conversations/conversations';
import type { ConversationItem as OpenAIConversationItem } from 'openai/resources/conversations/items';
import type * as OpenAIResponses from 'openai/resources/responses/responses';
import type * as Ours from '../../../src/core/items';

/** Compiles only when A is assignable to B. */
type Assignable<A, B> = [A] extends [B] ? true : false;
const checks: true[] = [
  true satisfies Assignable<Ours.ConversationObject, Conversation>,
  true satisfies Assignable<{ id: string; object: 'conversation.deleted'; deleted: boolean }, ConversationDeletedResource>,
  true satisfies Assignable<Ours.ConversationItem, OpenAIConversationItem>,
  true satisfies Assignable<Ours.OutputItem, OpenAIResponses.ResponseOutputItem>,
  true satisfies Assignable<Ours.InputMessageItem, OpenAIResponses.ResponseInputMessageItem>,
  true satisfies Assignable<Ours.OutputMessageItem, OpenAIResponses.ResponseOutputMessage>,
  true satisfies Assignable<Ours.FunctionCallItem, OpenAIResponses.ResponseFunctionToolCallItem>,
  true satisfies Assignable<Ours.FunctionCallOutputItem, OpenAIResponses.ResponseFunctionToolCallOutputItem>,
  true satisfies Assignable<Ours.ReasoningItem, OpenAIResponses.ResponseReasoningItem>,
  true satisfies Assignable<Ours.WorkspaceToolCallItem, OpenAIResponses.ResponseOutputItem.McpCall>,
  true satisfies Assignable<Ours.ApprovalRequestItem, OpenAIResponses.ResponseOutputItem.McpApprovalRequest>,
  true satisfies Assignable<Ours.ApprovalResponseItem, OpenAIResponses.ResponseInputItem.McpApprovalResponse>,
  true satisfies Assignable<Ours.ResponseObject, OpenAIResponses.Response>,
  true satisfies Assignable<Ours.ResponseStreamEvent, OpenAIResponses.ResponseStreamEvent>,
  true satisfies Assignable<Ours.FunctionToolObject, OpenAIResponses.FunctionTool>,
];

describe('items: wire types match the openai package', () => {
  it('every wire type is assignable to the package type of the same name (checked when this file compiles)', () => {
    assert.equal(checks.length, 15);
    // A probe that the check can fail: a wrong literal type is not assignable.
    const wrong: false = false satisfies Assignable<{ object: 'conversations' }, Pick<Conversation, 'object'>>;
    assert.equal(wrong, false);
  });
});
