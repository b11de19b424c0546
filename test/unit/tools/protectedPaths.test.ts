import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forcedApprovalForPath, protectionReason } from '../../../src/core/tools/protectedPaths';

describe('protected paths', () => {
  const root = '/work/project';
  const storage = '/home/me/.vscode-server/data/User/workspaceStorage/abc/agent-threads';

  const protectedCases = [
    '.vscode/settings.json',
    '.vscode/tasks.json',
    '.vscode/launch.json',
    '.vscode',
    'packages/app/.vscode/settings.json',
    '.VSCode/Settings.json',
    '.vscode./settings.json',
    '.vscode /settings.json',
    '.vscode/settings.json::$DATA',
    '.git/hooks/pre-commit',
    '.git/config',
    'vendor/lib/.git/config',
    '.git',
    '.gitmodules',
    '.gitattributes',
    '.husky/pre-push',
    'project.code-workspace',
    'nested/Team.CODE-WORKSPACE',
    '.env',
    '.env.local',
    '.env.production',
    '.envrc',
    'services/api/.env',
    '.devcontainer/devcontainer.json',
    '.devcontainer.json',
    '.agents/helper.json',
    '.editorconfig',
  ];
  for (const relative of protectedCases) {
    it(`protects ${JSON.stringify(relative)}`, () => {
      assert.ok(protectionReason(`${root}/${relative}`), `${relative} should be protected`);
    });
  }

  const ordinaryCases = [
    'src/greet.ts',
    'README.md',
    'package.json',
    'docs/vscode-tips.md',
    'src/.vscodeignore-like.ts',
    'environment.ts',
    'src/git/commit.ts',
    '.github/ISSUE_TEMPLATE.md',
  ];
  for (const relative of ordinaryCases) {
    it(`leaves ${JSON.stringify(relative)} to the policy`, () => {
      assert.equal(protectionReason(`${root}/${relative}`), undefined);
    });
  }

  it("protects the extension's storage folder, whatever the case", () => {
    assert.match(protectionReason(`${storage}/threads/t1.jsonl`, { protectedFolders: [storage] }) ?? '', /storage/);
    assert.ok(protectionReason(`${storage.toUpperCase()}/x`, { protectedFolders: [storage] }));
    assert.equal(protectionReason(`${storage}-other/x`, { protectedFolders: [storage] }), undefined);
  });

  describe('forced approval for a tool path argument', () => {
    let base: string;
    let project: string;
    before(async () => {
      base = await fs.realpath(await fs.mkdtemp(join(tmpdir(), 'agent-threads-protect-')));
      project = join(base, 'project');
      await fs.mkdir(join(project, '.vscode'), { recursive: true });
      await fs.mkdir(join(project, 'src'));
      await fs.symlink(join(project, '.vscode'), join(project, 'cfg'));
    });
    after(() => fs.rm(base, { recursive: true, force: true }));
    const roots = () => ({ folders: [project], caseInsensitive: false });

    it('forces approval for a protected path and names it', async () => {
      const forced = await forcedApprovalForPath('.vscode/settings.json', roots());
      assert.equal(forced?.forced, true);
      assert.match(forced!.reason, /\.vscode\/settings\.json is a protected path/);
    });
    it('forces approval for a path that reaches a protected folder through a symlink', async () => {
      assert.equal((await forcedApprovalForPath('cfg/tasks.json', roots()))?.forced, true);
    });
    it('forces approval for an encoded path that decodes to a protected one', async () => {
      assert.equal((await forcedApprovalForPath('src/..%2f.vscode/settings.json', roots()))?.forced, true);
    });
    it('forces nothing for an ordinary path or one the tool will refuse anyway', async () => {
      assert.equal(await forcedApprovalForPath('src/new.ts', roots()), undefined);
      assert.equal(await forcedApprovalForPath('../elsewhere/x.ts', roots()), undefined);
    });
  });
});
