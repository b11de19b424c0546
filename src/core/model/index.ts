// The model layer's public surface, so callers need not know its file layout.
export * from './types';
export { costOf, formatCost, hasPrices, pricesProblem, type ModelPrices, type PricedUsage } from './prices';
export { OpenAIChatClient, defaultAzureApiVersion, type OpenAIChatClientOptions } from './openAIChatClient';
export { defaultRetryPolicy, type RetryPolicy } from './retry';
export {
  countMessageTokens,
  countMessagesTokens,
  countTextTokens,
  countToolsTokens,
  tokensPerImage,
  warmUpTokenizer,
} from './tokenCounter';
export { OpenAIResponsesClient } from './openAIResponsesClient';
export { createOpenAIModelClient } from './openAIModelClient';
