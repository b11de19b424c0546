// ModelClient over the Responses API (`POST /responses`), for OpenAI and Azure OpenAI profiles. It shares keys,
// retries, timeouts and cancellation with the Chat Completions client; only the wire format differs.

import type { OpenAI } from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import type { ErrorContext } from './modelErrors';
import { openaiPackage } from './openaiPackage';
import { configurationError, OpenAIStreamingClient, type OpenedStream } from './openAIStreamingClient';
import { toResponsesParams } from './responsesRequestMapping';
import { ResponsesStreamAssembler } from './responsesStreamAssembler';
import type { ChatRequest } from './types';

export class OpenAIResponsesClient extends OpenAIStreamingClient<ResponseStreamEvent> {
  protected async open(client: OpenAI, request: ChatRequest, signal: AbortSignal): Promise<OpenedStream<ResponseStreamEvent>> {
    const { profile } = this.options;
    // Azure names the deployment in the body's `model` on its v1 API.
    const model = profile.provider === 'azure-openai' ? profile.deployment || request.model : request.model;
    const stream = await client.responses.create(toResponsesParams(request, model), { signal });
    return { stream, assembler: new ResponsesStreamAssembler() };
  }

  protected override createClient(apiKey: string, context: ErrorContext): OpenAI {
    const { profile } = this.options;
    if (profile.provider !== 'azure-openai') return super.createClient(apiKey, context);
    if (!profile.endpoint) throw configurationError(context, 'an endpoint (for example https://my-resource.openai.azure.com)');
    // Azure's v1 API (/openai/v1/responses) takes no api-version and the key in its api-key header, as the
    // deployment-scoped Chat Completions routes do; the bearer header the client would add is left out.
    const { OpenAI } = openaiPackage();
    return new OpenAI({
      ...this.commonClientOptions(apiKey),
      baseURL: `${profile.endpoint.replace(/\/+$/, '')}/openai/v1`,
      defaultHeaders: { 'api-key': apiKey, Authorization: null },
    });
  }
}
