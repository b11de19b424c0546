import { startHarness } from '../runs/helpers';
import { startFakeFoundryServer } from '../../fixtures/fakeFoundryServer';
import { LocalBackend } from '../../../src/core/backend';
import { FoundryAgentsBackend, FoundryBackend } from '../../../src/core/backend/foundry';
import { CombinedAgentCatalog, FileAgentSource } from '../../../src/core/agentFiles';
import { ToolRegistry } from '../../../src/core/tools/toolRegistry';
import { builtinTools } from '../../../src/core/tools/builtinTools';
import { silentLogger } from '../../../src/core/util/logger';
import { backendContract } from './backendContract';

backendContract('local store and run engine', async () => {
  const harness = await startHarness();
  const files = new FileAgentSource({ workspaceFolder: harness.dir, knownTools: () => new Set(harness.tools.names()) });
  const backend = new LocalBackend(harness.agents, new CombinedAgentCatalog(harness.agents, files), harness.threads, harness.engine);
  return {
    backend,
    agentInput: (extra = {}) => ({ name: 'Helper', model: { profile: 'fake', name: 'fake-model' }, instructions: 'Be brief.', ...extra }),
    scriptToolCall: (name, args) =>
      harness.server.script(
        { kind: 'tool_calls', calls: [{ name, arguments: JSON.stringify(args) }] },
        { kind: 'text', text: 'Done with the tool.' },
      ),
    slowNextAnswer: () =>
      harness.server.script({ kind: 'text', text: 'one two three four five six seven eight nine ten eleven twelve', chunkDelayMs: 150 }),
    close: async () => {
      files.dispose();
      await harness.close();
    },
  };
});

backendContract('Foundry Agent Service (SDK against the fake service)', async () => {
  const key = 'foundry-test-key-0123456789';
  const service = await startFakeFoundryServer({ apiKey: key });
  const tools = new ToolRegistry();
  for (const tool of builtinTools()) tools.register(tool);
  const backend = new FoundryBackend({ endpoint: service.endpoint, auth: { kind: 'apiKey', key: async () => key } }, tools, silentLogger);
  return {
    backend,
    agentInput: (extra = {}) => ({ name: 'Helper', model: { profile: 'foundry', name: 'gpt-4o' }, instructions: 'Be brief.', ...extra }),
    // The fake service's model asks for a tool when the user message says `call <tool> <json>`; the tests say so.
    scriptToolCall: () => undefined,
    slowNextAnswer: () => service.setWordDelay(150),
    close: async () => {
      backend.dispose();
      await service.close();
    },
  };
});

backendContract("Foundry's new agents (ai-projects and openai clients against the fake service)", async () => {
  const key = 'foundry-test-key-0123456789';
  const service = await startFakeFoundryServer({ apiKey: key });
  const tools = new ToolRegistry();
  for (const tool of builtinTools()) tools.register(tool);
  const backend = new FoundryAgentsBackend(
    { endpoint: service.endpoint, auth: { kind: 'apiKey', key: async () => key } },
    tools,
    silentLogger,
  );
  return {
    backend,
    agentInput: (extra = {}) => ({ name: 'Helper', model: { profile: 'foundry', name: 'gpt-4o' }, instructions: 'Be brief.', ...extra }),
    // As for classic: the fake's model returns a function_call when the user message says `call <tool> <json>`.
    scriptToolCall: () => undefined,
    slowNextAnswer: () => service.setWordDelay(150),
    close: async () => {
      backend.dispose();
      await service.close();
    },
  };
});
