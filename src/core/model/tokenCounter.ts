// Token estimates for context building. The exact chat framing differs per model and provider, so
// this counts content with the o200k_base encoding plus a small fixed overhead per message.

import type * as GptTokenizer from 'gpt-tokenizer';
import type { ChatMessage, ChatTool } from './types';

// The encoding tables are megabytes of JavaScript: loaded on the first count, not when the extension activates.
// (The extension bundle maps this require to dist/tokenizer.js; see esbuild.mjs.)
let tokenizer: typeof GptTokenizer | undefined;
function countTokens(text: string): number {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load that esbuild maps to a bundle of its own
  tokenizer ??= require('gpt-tokenizer') as typeof GptTokenizer;
  return tokenizer.countTokens(text);
}

/** Loads the tokenizer ahead of the first run, so the first message does not wait for it. */
export function warmUpTokenizer(): void {
  countTokens('warm up');
}

/** Framing tokens each message costs (role markers), as in OpenAI's published counting recipe. */
export const tokensPerMessage = 4;
/** Tokens that prime the assistant's reply. */
export const tokensPerReply = 3;
/** Flat estimate for one image; a high-detail 1024x1024 image costs about this much on GPT-4o. */
export const tokensPerImage = 765;

/** Counts the tokens of plain text. */
export function countTextTokens(text: string): number {
  return text ? countTokens(text) : 0;
}

/** Estimates the tokens one message takes in a prompt. */
export function countMessageTokens(message: ChatMessage): number {
  let total = tokensPerMessage;
  switch (message.role) {
    case 'system':
    case 'tool':
      total += countTextTokens(message.content);
      if (message.role === 'tool') total += countTextTokens(message.tool_call_id);
      break;
    case 'user':
      if (typeof message.content === 'string') {
        total += countTextTokens(message.content);
      } else {
        for (const part of message.content) {
          total += part.type === 'text' ? countTextTokens(part.text) : tokensPerImage;
        }
      }
      break;
    case 'assistant':
      total += countTextTokens(message.content);
      for (const call of message.tool_calls ?? []) {
        total += tokensPerMessage + countTextTokens(call.name) + countTextTokens(call.arguments);
      }
      break;
  }
  return total;
}

/** Estimates the prompt tokens of a whole message list, including the reply primer. */
export function countMessagesTokens(messages: readonly ChatMessage[]): number {
  let total = tokensPerReply;
  for (const message of messages) total += countMessageTokens(message);
  return total;
}

/** Estimates the prompt tokens tool definitions add (they are sent as JSON-like text). */
export function countToolsTokens(tools: readonly ChatTool[]): number {
  let total = 0;
  for (const tool of tools) {
    total += tokensPerMessage + countTextTokens(`${tool.name}\n${tool.description}\n${JSON.stringify(tool.parameters)}`);
  }
  return total;
}
