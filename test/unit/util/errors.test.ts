import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { errnoCode, errorMessage } from '../../../src/core/util/errors';

describe('reading what was thrown', () => {
  it('gives the message of an Error and the text of anything else', () => {
    assert.equal(errorMessage(new TypeError('bad type')), 'bad type');
    assert.equal(errorMessage('plain'), 'plain');
    assert.equal(errorMessage(undefined), 'undefined');
    assert.equal(errorMessage({ toString: () => 'custom' }), 'custom');
  });

  it("gives a Node system error's errno code, and nothing for values without a string code", async () => {
    const missing = await fs.readFile(path.join(__dirname, 'no-such-file.txt')).catch((error: unknown) => error);
    assert.equal(errnoCode(missing), 'ENOENT');
    for (const value of [new Error('no code'), { code: 42 }, 'ENOENT', null, undefined]) assert.equal(errnoCode(value), undefined);
  });
});
