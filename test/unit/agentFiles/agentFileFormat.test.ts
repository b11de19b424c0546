import assert from 'node:assert/strict';
import {
  AgentFileError,
  type AgentDefinition,
  agentFileName,
  parseAgentFile,
  parseFoundryAgent,
  parseMarkdownAgent,
  serializeAgentFile,
  serializeFoundryAgent,
  serializeMarkdownAgent,
} from '../../../src/core/agentFiles';

const full: AgentDefinition = {
  name: 'Code Reviewer',
  description: 'Reviews diffs',
  model: { profile: 'openai', name: 'gpt-4o-mini' },
  instructions: 'Review the code.\n\n- Be kind\n- Be brief',
  tools: [{ name: 'read_file' }, { name: 'run_command' }],
  approval_policy: { run_command: 'ask' },
  temperature: 0.2,
  top_p: 0.9,
  reasoning_effort: 'medium',
  max_prompt_tokens: 8000,
  max_completion_tokens: 1000,
  truncation_strategy: { type: 'last_messages', last_messages: 12 },
  metadata: { team: 'platform' },
};

const minimal: AgentDefinition = {
  name: 'Minimal',
  description: null,
  model: { profile: 'azure', name: 'gpt-4o' },
  instructions: '',
  tools: [],
  approval_policy: {},
  temperature: null,
  top_p: null,
  max_prompt_tokens: null,
  max_completion_tokens: null,
  truncation_strategy: { type: 'auto' },
  metadata: {},
};

function assertFileError(fn: () => unknown, file: string, problem: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof AgentFileError, `expected an AgentFileError, got ${String(error)}`);
    assert.equal(error.code, 'invalid_agent_file');
    assert.ok(error.message.startsWith(`${file}: `), error.message);
    assert.match(error.message, problem);
    return true;
  });
}

describe('agent files: Markdown with front matter', () => {
  it('round-trips an agent with every setting (agent → file → agent)', () => {
    assert.deepEqual(parseMarkdownAgent(serializeMarkdownAgent(full), 'x.agent.md'), full);
    assert.deepEqual(parseMarkdownAgent(serializeMarkdownAgent(minimal), 'x.agent.md'), minimal);
  });

  it('reads and writes reasoning_effort, and names the choices when a file has another', () => {
    const text = '---\nname: Thinker\nmodel: fake/o4-mini\nreasoning_effort: high\n---\n\nThink.\n';
    const agent = parseMarkdownAgent(text, 't.agent.md');
    assert.equal(agent.reasoning_effort, 'high');
    assert.equal(serializeMarkdownAgent(agent), text);
    assert.equal('reasoning_effort' in parseMarkdownAgent('---\nname: X\nmodel: p/m\n---\n', 'n.agent.md'), false);
    assertFileError(
      () => parseMarkdownAgent('---\nname: X\nmodel: p/m\nreasoning_effort: extreme\n---\n', 'e.agent.md'),
      'e.agent.md',
      /"reasoning_effort" must be one of none, minimal, low, medium, high \(got "extreme"\)/,
    );
  });

  it('round-trips a hand-written file (file → agent → file) and reads every form of model and tools', () => {
    const text = [
      '---',
      'name: Reviewer',
      'description: Reviews code',
      'model: azure/gpt-4o',
      'tools:',
      '  - read_file',
      '  - name: run_command',
      '    approval: ask',
      'temperature: 0.3',
      'truncation:',
      '  last_messages: 20',
      '---',
      '',
      'You review code.',
      '',
    ].join('\n');
    const agent = parseMarkdownAgent(text, 'r.agent.md');
    assert.deepEqual(agent.model, { profile: 'azure', name: 'gpt-4o' });
    assert.deepEqual(agent.tools, [{ name: 'read_file' }, { name: 'run_command' }]);
    assert.deepEqual(agent.approval_policy, { run_command: 'ask' });
    assert.deepEqual(agent.truncation_strategy, { type: 'last_messages', last_messages: 20 });
    assert.equal(agent.instructions, 'You review code.');
    assert.equal(serializeMarkdownAgent(agent), text);
    const objectModel = parseMarkdownAgent('---\nname: A\nmodel: {profile: p, name: m/with/slash}\n---\nHi', 'a.agent.md');
    assert.deepEqual(objectModel.model, { profile: 'p', name: 'm/with/slash' });
    assert.deepEqual(parseMarkdownAgent(serializeMarkdownAgent(objectModel), 'a.agent.md').model, objectModel.model);
  });

  it('leaves the keys the file source adds out of exported files', () => {
    const text = serializeMarkdownAgent({ ...minimal, metadata: { source: 'file', source_path: '.agents/m.agent.md', team: 'x' } });
    assert.deepEqual(parseMarkdownAgent(text, 'm.agent.md').metadata, { team: 'x' });
  });

  it('reports malformed files with the file name and the problem', () => {
    assertFileError(() => parseMarkdownAgent('no front matter', 'a.agent.md'), 'a.agent.md', /missing YAML front matter/);
    assertFileError(() => parseMarkdownAgent('---\nname: [unclosed\n---\n', 'b.agent.md'), 'b.agent.md', /not valid YAML/);
    assertFileError(() => parseMarkdownAgent('---\nmodel: a/b\n---\n', 'c.agent.md'), 'c.agent.md', /"name" is required/);
    assertFileError(
      () => parseMarkdownAgent('---\nname: C\nmodel: gpt-4o\n---\n', 'd.agent.md'),
      'd.agent.md',
      /"model" must be "profile\/name"/,
    );
    assertFileError(
      () => parseMarkdownAgent('---\nname: C\nmodel: a/b\ntemperature: 3\n---\n', 'e.agent.md'),
      'e.agent.md',
      /temperature.*0 to 2/,
    );
    assertFileError(
      () => parseMarkdownAgent('---\nname: C\nmodel: a/b\ntemprature: 1\n---\n', 'f.agent.md'),
      'f.agent.md',
      /unknown field temprature/,
    );
    assertFileError(
      () => parseMarkdownAgent('---\nname: C\nmodel: a/b\ntools: [{name: x, approval: sometimes}]\n---\n', 'g.agent.md'),
      'g.agent.md',
      /approval must be ask, auto or deny/,
    );
    assertFileError(
      () => parseMarkdownAgent('---\nname: C\nmodel: a/b\ntruncation: {last_messages: 0}\n---\n', 'h.agent.md'),
      'h.agent.md',
      /truncation/,
    );
  });
});

describe('agent files: Foundry-style YAML', () => {
  it('round-trips an agent with every setting (agent → file → agent), default profile or not', () => {
    assert.deepEqual(parseFoundryAgent(serializeFoundryAgent(full), 'x.agent.yaml'), full);
    assert.deepEqual(parseFoundryAgent(serializeFoundryAgent(minimal), 'x.agent.yaml'), minimal);
    assert.match(serializeFoundryAgent(minimal), /^model: gpt-4o$/m);
  });

  it('reads a Foundry definition and writes it back the same (file → agent → file), ignoring service-only keys', () => {
    const text = [
      'name: Helper',
      'description: Answers questions',
      'model: gpt-4o',
      'instructions: You help.',
      'tools:',
      '  - type: function',
      '    function:',
      '      name: read_file',
      'temperature: 1',
      'top_p: 0.5',
      'reasoning:',
      '  effort: low',
      'metadata:',
      '  owner: me',
      '',
    ].join('\n');
    const agent = parseFoundryAgent(text, 'h.agent.yaml');
    assert.deepEqual(agent.model, { profile: 'azure', name: 'gpt-4o' });
    assert.equal(agent.reasoning_effort, 'low');
    assert.deepEqual(agent.tools, [{ name: 'read_file' }]);
    assert.equal(serializeFoundryAgent(agent), text);
    assert.deepEqual(parseFoundryAgent(`id: asst_abc\nobject: assistant\ncreated_at: 1\n${text}`, 'h.agent.yaml'), agent);
  });

  it('reports malformed files with the file name and the problem', () => {
    assertFileError(() => parseFoundryAgent('- a list', 'l.agent.yaml'), 'l.agent.yaml', /YAML mapping/);
    assertFileError(() => parseFoundryAgent('name: X', 'm.agent.yaml'), 'm.agent.yaml', /"model" is required/);
    assertFileError(
      () => parseFoundryAgent('name: X\nmodel: m\ntools: [{type: code_interpreter}]', 'n.agent.yaml'),
      'n.agent.yaml',
      /only function tools/,
    );
    assertFileError(() => parseFoundryAgent('name: X\nmodel: m\ntop_p: 2', 'o.agent.yaml'), 'o.agent.yaml', /top_p/);
    assertFileError(
      () => parseFoundryAgent('name: X\nmodel: m\nreasoning: {effort: extreme}', 'r.agent.yaml'),
      'r.agent.yaml',
      /"reasoning.effort" must be one of none, minimal, low, medium, high \(got "extreme"\)/,
    );
  });

  it('converts between the formats by file name, and names files after the agent', () => {
    const yaml = serializeAgentFile('foundry-yaml', full);
    const md = serializeAgentFile('markdown', parseAgentFile('a.agent.yml', yaml));
    assert.deepEqual(parseAgentFile('a.agent.md', md), full);
    assert.throws(
      () => parseAgentFile('a.txt', ''),
      (error: unknown) => error instanceof AgentFileError && error.code === 'unsupported_agent_file',
    );
    assert.equal(agentFileName('Code Reviewer (v2)'), 'code-reviewer-v2.agent.md');
    assert.equal(agentFileName('Ünïcode!', 'foundry-yaml'), 'unicode.agent.yaml');
    assert.equal(agentFileName('???'), 'agent.agent.md');
  });
});
