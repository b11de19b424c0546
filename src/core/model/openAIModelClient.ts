import { OpenAIChatClient } from './openAIChatClient';
import { OpenAIResponsesClient } from './openAIResponsesClient';
import type { OpenAIChatClientOptions } from './openAIStreamingClient';
import { modelApiOf, type ModelClient } from './types';

/** The client for a profile's wire API: Responses where the profile uses it, else Chat Completions. */
export function createOpenAIModelClient(options: OpenAIChatClientOptions): ModelClient {
  return modelApiOf(options.profile) === 'responses' ? new OpenAIResponsesClient(options) : new OpenAIChatClient(options);
}
