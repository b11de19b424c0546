// The README's Local Agent API example, run as written against the local API: only the import is left out (the
// test hands in the openai package) and the placeholders for the address and token are filled in.

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { sentMessages } from '../runs/helpers';
import { type ApiHarness, startApiHarness } from './apiHarness';

const README = join(__dirname, '..', '..', '..', '..', 'README.md');

/** The first ```js block of the README's Local Agent API section. */
function readmeExample(): string {
  const text = readFileSync(README, 'utf8');
  const section = text.slice(text.indexOf('### Local Agent API'));
  const match = /```js\n([\s\S]*?)```/.exec(section);
  assert.ok(match, 'the Local Agent API section has a js example');
  return match[1];
}

type Example = (
  openai: typeof OpenAI,
  process: { stdout: { write(text: string): void } },
  console: { log(text: string): void },
) => Promise<void>;

describe('README: the Local Agent API example', function () {
  this.timeout(20_000);
  let h: ApiHarness;
  beforeEach(async () => {
    h = await startApiHarness();
    await h.agent({ name: 'Helper', instructions: 'You know the weather.' });
  });
  afterEach(() => h.close());

  it('creates a conversation, streams a workspace agent answer, answers its function call and goes on', async () => {
    const code = readmeExample()
      .replace(/^import OpenAI from 'openai';\n/m, '')
      .replace("'http://127.0.0.1:<port>/v1'", JSON.stringify(h.address.url))
      .replace("'<token>'", JSON.stringify(h.address.token));
    assert.ok(!code.includes('<port>') && !code.includes('<token>') && !code.includes('import '), 'placeholders filled');
    h.server.script(
      { kind: 'tool_calls', text: 'Checking. ', calls: [{ id: 'call_oslo', name: 'get_weather', arguments: '{"city":"Oslo"}' }] },
      { kind: 'text', text: 'Oslo is sunny.' },
    );
    let streamed = '';
    const logged: string[] = [];
    const AsyncFunction = (Object.getPrototypeOf(async () => undefined) as { constructor: new (...args: string[]) => Example }).constructor;
    const example = new AsyncFunction('OpenAI', 'process', 'console', code);
    await example(OpenAI, { stdout: { write: (text) => (streamed += text) } }, { log: (text) => logged.push(text) });

    assert.equal(streamed, 'Checking. ');
    assert.deepEqual(logged, ['Oslo is sunny.']);
    const tool = sentMessages(h.server, 1).find((m) => m.role === 'tool');
    assert.deepEqual(tool && [tool.tool_call_id, JSON.parse(String(tool.content))], ['call_oslo', { city: 'Oslo', sky: 'sunny' }]);
    const [thread] = await h.threads.list();
    assert.deepEqual(thread.metadata.topic, 'weather');
  });
});
