import * as assert from 'node:assert/strict';
import { visibleBidiControls } from '../../../src/core/domain/displayText';

describe('names and titles on screen', () => {
  it('show bidi overrides and isolates as markers, so "evil\\u202Eexe.txt" cannot pass for a .exe', () => {
    assert.equal(visibleBidiControls('evil\u202Eexe.txt\u202C'), 'evil[U+202E]exe.txt[U+202C]');
    assert.equal(visibleBidiControls('a\u2066b\u2069'), 'a[U+2066]b[U+2069]');
  });

  it('leave every other character alone: Arabic, Hebrew, emoji, zero-width joiners', () => {
    const text = 'مرحبا שלום 👩‍👩‍👧‍👦 zero\u200Bwidth';
    assert.equal(visibleBidiControls(text), text);
  });
});
