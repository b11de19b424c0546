import * as assert from 'node:assert/strict';
import { fileNamedByCodeBlock } from '../../../src/core/util/codeBlockTarget';

describe('fileNamedByCodeBlock', () => {
  const code = 'export const a = 1;\n';

  it('reads the file from the fence info string in its common spellings', () => {
    assert.deepEqual(fileNamedByCodeBlock('ts src/greet.ts', code), { path: 'src/greet.ts', code });
    assert.deepEqual(fileNamedByCodeBlock('ts title="src/greet.ts"', code), { path: 'src/greet.ts', code });
    assert.deepEqual(fileNamedByCodeBlock('ts:src/greet.ts', code), { path: 'src/greet.ts', code });
    assert.deepEqual(fileNamedByCodeBlock('python filepath=app/main.py', code), { path: 'app/main.py', code });
  });

  it('reads a first-line filepath comment and leaves that line out of the code', () => {
    assert.deepEqual(fileNamedByCodeBlock('ts', '// filepath: src/greet.ts\nexport const a = 1;\n'), { path: 'src/greet.ts', code });
    assert.deepEqual(fileNamedByCodeBlock('', '# file: tools/run.py\nprint(1)\n'), { path: 'tools/run.py', code: 'print(1)\n' });
    assert.deepEqual(fileNamedByCodeBlock('html', '<!-- filepath: index.html -->\n<p></p>\n'), { path: 'index.html', code: '<p></p>\n' });
  });

  it('names nothing for a plain block or info words that are not paths', () => {
    assert.equal(fileNamedByCodeBlock('ts', code), undefined);
    assert.equal(fileNamedByCodeBlock('', code), undefined);
    assert.equal(fileNamedByCodeBlock('js {1,3} linenos', code), undefined);
    assert.equal(fileNamedByCodeBlock('ts', '// a comment: not a path\n'), undefined);
  });
});
