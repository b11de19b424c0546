// Set-up for local agent API tests: the run harness (real stores in a temp folder, the real RunEngine and
// OpenAIChatClient against the fake model server) behind a real LocalAgentApi, driven by the real openai package.

import OpenAI from 'openai';
import { type ApiServices, LocalAgentApi, type LocalAgentApiAddress, modelNameResolver } from '../../../src/core/api';
import { type Harness, type HarnessOptions, startHarness } from '../runs/helpers';

export interface ApiHarness extends Harness {
  api: LocalAgentApi;
  address: LocalAgentApiAddress;
  /** An openai client with the right token; retries off so a failure shows at once. */
  client: OpenAI;
  /** An openai client with any key and extra headers. */
  clientWith(apiKey: string, headers?: Record<string, string>): OpenAI;
}

/** Starts the run harness and a LocalAgentApi over it; `close` stops both. */
export async function startApiHarness(options: HarnessOptions & { api?: Pick<ApiServices, 'remoteBackend'> } = {}): Promise<ApiHarness> {
  const h = await startHarness(options);
  const api = new LocalAgentApi({
    agents: h.agents,
    threads: h.threads,
    engine: h.engine,
    tools: h.tools,
    resolveModelName: modelNameResolver(() => [h.profile]),
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    ...options.api,
  });
  const address = await api.start();
  const clientWith = (apiKey: string, headers: Record<string, string> = {}): OpenAI =>
    new OpenAI({ baseURL: address.url, apiKey, maxRetries: 0, defaultHeaders: headers });
  return {
    ...h,
    api,
    address,
    client: clientWith(address.token),
    clientWith,
    close: async () => {
      await api.stop();
      await h.close();
    },
  };
}

/** A streamed final response without what the stream helper adds when it parses (`parsed`, `output_parsed`, `parsed_arguments`). */
export function unparsed(response: OpenAI.Responses.Response): OpenAI.Responses.Response {
  return <OpenAI.Responses.Response>(
    JSON.parse(
      JSON.stringify(response, (key, value: unknown) =>
        ['parsed', 'output_parsed', 'parsed_arguments'].includes(key) ? undefined : value,
      ),
    )
  );
}
