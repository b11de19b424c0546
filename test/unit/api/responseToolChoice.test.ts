import { strict as assert } from 'node:assert';
import type OpenAI from 'openai';
import type { ModelApi } from '../../../src/core/model/types';
import { type ApiHarness, startApiHarness } from './apiHarness';

const WEATHER: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'get_weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } } },
  strict: false,
};

// tool_choice reaches the model through either model client: Chat Completions names a function as
// {type, function: {name}}, the Responses API as {type, name}.
for (const api of ['chat-completions', 'responses'] as ModelApi[]) {
  describe(`local agent API: tool_choice, over ${api}`, function () {
    this.timeout(20_000);
    let h: ApiHarness;
    beforeEach(async () => {
      h = await startApiHarness({ profile: { api } });
      await h.agent({ name: 'Echoer', tools: [{ name: 'echo' }], approval_policy: { echo: 'auto' } });
    });
    afterEach(() => h.close());

    /** What the fake model was sent as tool_choice and parallel_tool_calls in model request `index`. */
    const sent = (index: number): { tool_choice: unknown; parallel_tool_calls: unknown } => {
      const request = h.server.requests[index];
      const body = (api === 'responses' ? request.responsesBody : request.body) as Record<string, unknown>;
      return { tool_choice: body.tool_choice, parallel_tool_calls: body.parallel_tool_calls };
    };
    const named = api === 'responses' ? { type: 'function', name: 'get_weather' } : { type: 'function', function: { name: 'get_weather' } };

    it('passes none, required, a named function and auto on to the model, with parallel_tool_calls', async () => {
      const choices: OpenAI.Responses.ResponseCreateParams['tool_choice'][] = [
        'none',
        'required',
        { type: 'function', name: 'get_weather' },
        'auto',
      ];
      for (const tool_choice of choices) {
        h.server.script({ kind: 'text', text: 'ok' });
        const response = await h.client.responses.create({
          model: 'fake/fake-model',
          input: 'Weather?',
          tools: [WEATHER],
          tool_choice,
          parallel_tool_calls: false,
        });
        assert.deepEqual(response.tool_choice, tool_choice);
      }
      assert.deepEqual(
        choices.map((_, i) => sent(i)),
        [
          { tool_choice: 'none', parallel_tool_calls: false },
          { tool_choice: 'required', parallel_tool_calls: false },
          { tool_choice: named, parallel_tool_calls: false },
          { tool_choice: undefined, parallel_tool_calls: false },
        ],
      );
    });

    it('forces a call on the first model turn only, so the turn after a workspace tool may answer', async () => {
      h.server.script({ kind: 'tool_calls', calls: [{ name: 'echo', arguments: '{"text":"hi"}' }] }, { kind: 'text', text: 'Echoed.' });
      const response = await h.client.responses.create({
        agent: { type: 'agent_reference', name: 'Echoer' },
        input: 'Echo hi',
        tool_choice: 'required',
      } as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming);
      assert.equal(response.output_text, 'Echoed.');
      assert.deepEqual([sent(0).tool_choice, sent(1).tool_choice], ['required', 'auto']);
    });
  });
}
