// The OpenAI Agents SDK (its own copy of the openai package, version 7) pointed at the local API: an agent with a
// function tool holds a two-turn conversation, the SDK running the tool between the model's call and its answer.

import { strict as assert } from 'node:assert';
import { Agent, OpenAIProvider, Runner, setTracingDisabled, tool } from '@openai/agents';
import { sentMessages } from '../runs/helpers';
import { type ApiHarness, startApiHarness } from './apiHarness';

describe('local agent API: the OpenAI Agents SDK', function () {
  this.timeout(20_000);
  let h: ApiHarness;
  before(() => setTracingDisabled(true)); // tracing would export to api.openai.com
  beforeEach(async () => {
    h = await startApiHarness();
    await h.agent({ name: 'Helper', instructions: 'You know the weather.' });
  });
  afterEach(() => h.close());

  it('runs a two-turn conversation with a function tool against the local API base URL', async () => {
    const cities: string[] = [];
    const getWeather = tool({
      name: 'get_weather',
      description: 'The weather in a city.',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string' } },
        required: ['city'],
        additionalProperties: false,
      },
      strict: true,
      execute: (input) => {
        const city = (input as { city: string }).city;
        cities.push(city);
        return `sunny in ${city}`;
      },
    });
    const agent = new Agent({
      name: 'Helper',
      instructions: 'Answer about the weather.',
      model: 'fake/fake-model',
      tools: [getWeather],
      // Names the workspace agent as Foundry does; the SDK passes providerData through in the request body.
      modelSettings: { providerData: { agent: { type: 'agent_reference', name: 'Helper' } } },
    });
    const runner = new Runner({
      modelProvider: new OpenAIProvider({ baseURL: h.address.url, apiKey: h.address.token, useResponses: true }),
    });
    const conversation = await fetch(`${h.address.url}/conversations`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${h.address.token}`, 'Content-Type': 'application/json' },
      body: '{}',
    }).then((response) => response.json() as Promise<{ id: string }>);

    h.server.script(
      { kind: 'tool_calls', calls: [{ id: 'call_oslo', name: 'get_weather', arguments: '{"city":"Oslo"}' }] },
      { kind: 'text', text: 'Oslo is sunny.' },
      { kind: 'text', text: 'You asked about Oslo.' },
    );
    const first = await runner.run(agent, 'Weather in Oslo?', { conversationId: conversation.id });
    assert.equal(first.finalOutput, 'Oslo is sunny.');
    assert.deepEqual(cities, ['Oslo']);
    const second = await runner.run(agent, 'Which city did I ask about?', { conversationId: conversation.id });
    assert.equal(second.finalOutput, 'You asked about Oslo.');

    // The model saw the whole conversation on the last turn: the tool's output and the first answer included.
    const last = sentMessages(h.server, 2);
    assert.deepEqual(
      last.filter((m) => m.role !== 'system').map((m) => [m.role, m.content]),
      [
        ['user', 'Weather in Oslo?'],
        ['assistant', null],
        ['tool', 'sunny in Oslo'],
        ['assistant', 'Oslo is sunny.'],
        ['user', 'Which city did I ask about?'],
      ],
    );
    assert.match(String(last[0].content), /You know the weather\.\n\nAnswer about the weather\./);
  });
});
