// ModelClient over the Chat Completions API, for OpenAI, Azure OpenAI and OpenAI-compatible servers.

import type { OpenAI } from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { toStreamingParams } from './chatRequestMapping';
import { OpenAIStreamingClient, type OpenedStream } from './openAIStreamingClient';
import { StreamAssembler } from './streamAssembler';
import type { ChatRequest } from './types';

export { defaultAzureApiVersion, type OpenAIChatClientOptions } from './openAIStreamingClient';

export class OpenAIChatClient extends OpenAIStreamingClient<ChatCompletionChunk> {
  protected async open(client: OpenAI, request: ChatRequest, signal: AbortSignal): Promise<OpenedStream<ChatCompletionChunk>> {
    const stream = await client.chat.completions.create(toStreamingParams(request), { signal });
    return { stream, assembler: new StreamAssembler() };
  }
}
