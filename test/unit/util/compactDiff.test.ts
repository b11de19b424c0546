import * as assert from 'node:assert/strict';
import { compactDiff } from '../../../src/core/util/compactDiff';

describe('compactDiff', () => {
  it('shows a changed line with two lines of context and a hunk header, without file headers', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].join('\n') + '\n';
    const after = ['a', 'b', 'c', 'D', 'e', 'f', 'g'].join('\n') + '\n';
    assert.equal(compactDiff(before, after), ['@@ -2,5 +2,5 @@', ' b', ' c', '-d', '+D', ' e', ' f'].join('\n'));
  });

  it('shows a new file as added lines and nothing for no change', () => {
    assert.equal(compactDiff('', 'one\ntwo\n'), ['@@ -0,0 +1,2 @@', '+one', '+two'].join('\n'));
    assert.equal(compactDiff('same\n', 'same\n'), '');
  });

  it('leaves out jsdiff\'s "no newline at end of file" marker', () => {
    assert.doesNotMatch(compactDiff('x', 'y'), /No newline/);
  });

  it('caps a long diff and says how many lines were left out', () => {
    const after = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n');
    const lines = compactDiff('', after, 10).split('\n');
    assert.equal(lines.length, 11);
    assert.equal(lines[10], '… 91 more lines');
  });
});
