import assert from 'node:assert/strict';
import { rankPaths } from '../../../src/core/util/pathMatch';

describe('rankPaths (the # file mention in the composer)', () => {
  const paths = ['src/deep/nested/readme.ts', 'README.md', 'docs/guide/reading.md', 'src/app/main.ts', 'src/remade.ts'];

  it('puts names that start with the text first, then names and paths that contain it, then letters in order', () => {
    // Names starting with "rea" (shortest first), then src/remade.ts, which only holds r, e, a in order.
    assert.deepEqual(rankPaths(paths, 'rea', 10), ['README.md', 'docs/guide/reading.md', 'src/deep/nested/readme.ts', 'src/remade.ts']);
    // A name containing "ad" before a path containing it.
    assert.deepEqual(rankPaths([...paths, 'src/ad/x.ts'], 'ad', 10), [
      'README.md',
      'src/remade.ts',
      'docs/guide/reading.md',
      'src/deep/nested/readme.ts',
      'src/ad/x.ts',
    ]);
    assert.deepEqual(rankPaths(paths, 'app', 10), ['src/app/main.ts']);
    assert.deepEqual(rankPaths(paths, 'rmd', 10), ['README.md', 'src/remade.ts', 'docs/guide/reading.md']);
  });

  it('leaves out what does not match, and keeps at most the limit (shortest paths first)', () => {
    assert.deepEqual(rankPaths(paths, 'zzz', 10), []);
    assert.deepEqual(rankPaths(paths, '', 2), ['README.md', 'src/remade.ts']);
  });
});
