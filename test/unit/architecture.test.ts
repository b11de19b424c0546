import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(REPO_ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => path.join(dir, file));
}

/** Module specifiers a file imports, requires or re-exports (comments stripped so examples in them don't count). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(REPO_ROOT, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
  const pattern = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;
  return [...text.matchAll(pattern)].map((match) => match[1]);
}

describe('architecture: imports only point down', () => {
  it('finds the import forms it checks (the rule itself can fail)', () => {
    const probe = path.join('test', 'unit', 'architecture.test.ts');
    assert.ok(importsOf(probe).includes('node:assert/strict'));
  });

  // Each layer with what it may not reach: the vscode module, and folders of the layers above it.
  const rules: { layer: string; forbiddenDirs: string[] }[] = [
    { layer: 'src/core', forbiddenDirs: ['src/vscode', 'src/protocol', 'src/extension.ts', 'webview'] },
    { layer: 'src/protocol', forbiddenDirs: ['src/vscode', 'src/core', 'src/extension.ts', 'webview'] },
    { layer: 'webview', forbiddenDirs: ['src/vscode', 'src/core', 'src/extension.ts'] },
  ];
  for (const { layer, forbiddenDirs } of rules) {
    it(`${layer} does not import vscode or the layers above it`, () => {
      const files = sourceFiles(layer);
      assert.ok(files.length > 0, `${layer} has no files`);
      const offenders = files.flatMap((file) =>
        importsOf(file)
          .filter((spec) => {
            if (spec === 'vscode') return true;
            if (!spec.startsWith('.')) return false;
            const target = path
              .relative(REPO_ROOT, path.resolve(REPO_ROOT, path.dirname(file), spec))
              .split(path.sep)
              .join('/');
            return forbiddenDirs.some((dir) => target === dir || target.startsWith(`${dir}/`) || `${target}.ts` === dir);
          })
          .map((spec) => `${file} imports '${spec}'`),
      );
      assert.deepEqual(offenders, []);
    });
  }

  // Inside a layer, folders import downward only: a folder may import folders of a lower rank, never its own rank
  // or above. This is what keeps the store from reaching the backend, or a view from reaching a command.
  const folderRanks: { layer: string; ranks: Record<string, number> }[] = [
    {
      layer: 'src/core',
      ranks: {
        domain: 0,
        util: 0,
        model: 1,
        store: 1,
        items: 1,
        tools: 2,
        budgets: 2,
        runs: 3,
        checkpoints: 3,
        agentFiles: 3,
        search: 3,
        backend: 4,
        chat: 5,
        fork: 5,
        api: 5,
        history: 5,
      },
    },
    { layer: 'src/vscode', ranks: { shared: 0, tools: 1, models: 1, backend: 2, views: 3, commands: 4 } },
  ];
  for (const { layer, ranks } of folderRanks) {
    it(`the folders of ${layer} import downward only`, () => {
      const files = sourceFiles(layer);
      const unranked = [...new Set(files.map((file) => folderOf(layer, file)))].filter((folder) => !(folder in ranks));
      assert.deepEqual(unranked, [], `${layer} has folders the rule does not rank: give each a rank`);
      const offenders = files.flatMap((file) => {
        const from = folderOf(layer, file);
        return importsOf(file)
          .filter((spec) => spec.startsWith('.'))
          .map((spec) =>
            path
              .relative(REPO_ROOT, path.resolve(REPO_ROOT, path.dirname(file), spec))
              .split(path.sep)
              .join('/'),
          )
          .filter((target) => target.startsWith(`${layer}/`))
          .map((target) => folderOf(layer, target))
          .filter((to) => to !== from && ranks[to] >= ranks[from])
          .map((to) => `${file} (${from}) imports ${to}`);
      });
      assert.deepEqual(offenders, []);
    });
  }
});

/** The first folder of a path under a layer ("src/core/store/threadStore.ts" → "store"). */
function folderOf(layer: string, file: string): string {
  return file
    .split(path.sep)
    .join('/')
    .slice(layer.length + 1)
    .split('/')[0];
}
