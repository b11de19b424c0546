// Shared set-up for model client tests: a real OpenAIChatClient (or OpenAIResponsesClient) pointed at the fake server.

import type { OpenAIChatClientOptions } from '../../../src/core/model/openAIChatClient';
import { createOpenAIModelClient } from '../../../src/core/model/openAIModelClient';
import {
  ModelError,
  type ChatRequest,
  type ChatStreamEvent,
  type ModelApi,
  type ModelClient,
  type ModelProfile,
} from '../../../src/core/model/types';
import type { FakeModelServer } from '../../fixtures/fakeModelServer';

export const testApiKey = 'sk-test-0123456789abcdef';

/** A client for `server` with tiny retry delays, overridable per test; `api` picks the wire API (Chat Completions by default). */
export function clientFor(server: FakeModelServer, overrides: Partial<OpenAIChatClientOptions> & { api?: ModelApi } = {}): ModelClient {
  const profile: ModelProfile = {
    id: 'fake',
    provider: 'openai-compatible',
    baseUrl: server.url,
    model: 'fake-model',
    contextWindow: 128_000,
    ...(overrides.api ? { api: overrides.api } : {}),
  };
  return createOpenAIModelClient({
    profile,
    getApiKey: async () => testApiKey,
    retry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 5 },
    firstByteTimeoutMs: 5_000,
    idleTimeoutMs: 5_000,
    setApiKeyCommand: 'Agent Threads: Set API Key',
    ...overrides,
  });
}

export function userRequest(text: string): ChatRequest {
  return { model: 'fake-model', messages: [{ role: 'user', content: text }] };
}

/** Drains a stream into an array. */
export async function collect(stream: AsyncIterable<ChatStreamEvent>): Promise<ChatStreamEvent[]> {
  const events: ChatStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** Drains a stream that must fail, returning the events seen before the failure and the ModelError. */
export async function collectFailure(stream: AsyncIterable<ChatStreamEvent>): Promise<{ events: ChatStreamEvent[]; error: ModelError }> {
  const events: ChatStreamEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
  } catch (error) {
    if (error instanceof ModelError) return { events, error };
    throw error;
  }
  throw new Error(`Expected the stream to fail, but it completed with ${JSON.stringify(events)}`);
}

export function textOf(events: ChatStreamEvent[]): string {
  return events.map((event) => (event.type === 'text' ? event.delta : '')).join('');
}

/** Text of the final attempt only: what a consumer keeps after discarding attempts that a retry replaced. */
export function finalAttemptText(events: ChatStreamEvent[]): string {
  const lastRetry = events.map((event) => event.type).lastIndexOf('retry');
  return textOf(events.slice(lastRetry + 1));
}
