import { strict as assert } from 'node:assert';
import { titleFromText } from '../../../src/core/runs/threadTitle';

describe('automatic thread titles', () => {
  it('keeps short text on one line', () => {
    assert.equal(titleFromText('  What does\n greet.ts do?  '), 'What does greet.ts do?');
  });

  it('cuts long text at a word boundary with an ellipsis', () => {
    const title = titleFromText('word '.repeat(30));
    assert.ok(title.length <= 61 && title.endsWith('…'), title);
  });

  it('leaves code blocks and backticks out of the title', () => {
    const text = 'In `src/greet.ts`, lines 1-4:\n\n```typescript\nexport function greet() {}\n```\n\nWhat does this do?';
    assert.equal(titleFromText(text), 'In src/greet.ts, lines 1-4: What does this do?');
  });

  it('falls back to the code itself when a message is only code', () => {
    assert.equal(titleFromText('```js\nconsole.log(1)\n```'), '```js console.log(1) ```');
  });
});
