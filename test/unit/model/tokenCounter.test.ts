import { strict as assert } from 'node:assert';
import {
  countMessageTokens,
  countMessagesTokens,
  countTextTokens,
  countToolsTokens,
  tokensPerImage,
} from '../../../src/core/model/tokenCounter';

describe('tokenCounter', () => {
  it('counts text with a real tokenizer', () => {
    assert.equal(countTextTokens(''), 0);
    assert.equal(countTextTokens('hello'), 1);
    const long = 'The quick brown fox jumps over the lazy dog. '.repeat(100);
    const tokens = countTextTokens(long);
    assert.ok(tokens > 900 && tokens < 1200, `${tokens} tokens`);
  });

  it('adds a per-message overhead and a reply primer', () => {
    const one = countMessagesTokens([{ role: 'user', content: 'hello' }]);
    const two = countMessagesTokens([
      { role: 'user', content: 'hello' },
      { role: 'user', content: 'hello' },
    ]);
    assert.ok(one > countTextTokens('hello'));
    assert.equal(two - one, countMessageTokens({ role: 'user', content: 'hello' }));
  });

  it('counts each image as a fixed estimate', () => {
    const withImage = countMessageTokens({
      role: 'user',
      content: [
        { type: 'text', text: 'look' },
        { type: 'image', url: 'data:image/png;base64,AAAA' },
      ],
    });
    const textOnly = countMessageTokens({ role: 'user', content: [{ type: 'text', text: 'look' }] });
    assert.equal(withImage - textOnly, tokensPerImage);
  });

  it('counts tool calls, tool results and tool definitions', () => {
    const plain = countMessageTokens({ role: 'assistant', content: '' });
    const withCall = countMessageTokens({
      role: 'assistant',
      content: '',
      tool_calls: [{ id: 'c1', name: 'read_file', arguments: '{"path":"src/a.ts"}' }],
    });
    assert.ok(withCall > plain + 5);
    assert.ok(countMessageTokens({ role: 'tool', tool_call_id: 'c1', content: 'x'.repeat(400) }) > 40);
    assert.ok(
      countToolsTokens([
        { name: 'read_file', description: 'Reads a file', parameters: { type: 'object', properties: { path: { type: 'string' } } } },
      ]) > 10,
    );
  });
});
