import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { confinePath, isCaseInsensitiveFileSystem, PathConfinementError, resolveLexically, type WorkspaceRoots } from '../../../src/core/tools/pathConfinement';

function refusedWith(code: string) {
  return (error: unknown) => error instanceof PathConfinementError && error.code === code && /workspace|path/i.test(error.message);
}

describe('path confinement', () => {
  let base: string;
  let root: string;
  let roots: WorkspaceRoots;
  before(async () => {
    base = await fs.realpath(await fs.mkdtemp(join(tmpdir(), 'agent-threads-confine-')));
    root = join(base, 'Project');
    await fs.mkdir(join(root, 'src'), { recursive: true });
    await fs.writeFile(join(root, 'src', 'a.ts'), 'export {};\n');
    await fs.mkdir(join(base, 'outside'));
    await fs.writeFile(join(base, 'outside', 'secret.txt'), 'secret');
    await fs.mkdir(join(base, 'Project-other'));
    roots = { folders: [root], caseInsensitive: false };
  });
  after(() => fs.rm(base, { recursive: true, force: true }));

  const allowed: [string, string][] = [
    ['src/a.ts', 'src/a.ts'],
    ['./src/a.ts', 'src/a.ts'],
    ['src/../src/a.ts', 'src/a.ts'],
    ['src\\a.ts', 'src/a.ts'],
    ['.', ''],
    ['src/new/file.ts', 'src/new/file.ts'],
    ['100%.txt', '100%.txt'],
    ['my%20file.txt', 'my%20file.txt'],
  ];
  for (const [raw, relative] of allowed) {
    it(`accepts ${JSON.stringify(raw)} as ${JSON.stringify(relative)}`, async () => {
      const confined = await confinePath(raw, roots);
      assert.equal(confined.relative, relative);
      assert.equal(confined.root, root);
    });
  }

  it('accepts an absolute path inside the folder', async () => {
    assert.equal((await confinePath(join(root, 'src', 'a.ts'), roots)).relative, 'src/a.ts');
  });

  const hostile: [string, string, string][] = [
    ['parent climb', '../outside/secret.txt', 'path_outside_workspace'],
    ['deep climb', '../../../../../../etc/passwd', 'path_outside_workspace'],
    ['climb after a folder', 'src/../../outside/secret.txt', 'path_outside_workspace'],
    ['absolute path', '/etc/passwd', 'path_outside_workspace'],
    ['home', '~', 'path_outside_workspace'],
    ['home path', '~/.ssh/id_rsa', 'path_outside_workspace'],
    ['other user home', '~root/.bashrc', 'path_outside_workspace'],
    ['backslash climb', '..\\outside\\secret.txt', 'path_outside_workspace'],
    ['mixed separators', 'src/..\\..\\outside/secret.txt', 'path_outside_workspace'],
    ['URL-encoded climb', '%2e%2e%2foutside%2fsecret.txt', 'path_outside_workspace'],
    ['upper-case URL-encoded climb', '%2E%2E/outside/secret.txt', 'path_outside_workspace'],
    ['double-encoded climb', '%252e%252e%252foutside%252fsecret.txt', 'path_outside_workspace'],
    ['encoded backslash climb', '..%5coutside%5csecret.txt', 'path_outside_workspace'],
    ['encoded absolute', '%2fetc%2fpasswd', 'path_outside_workspace'],
    ['sibling with a shared prefix', '../Project-other/x', 'path_outside_workspace'],
    ['windows drive', 'C:\\Windows\\system.ini', 'path_outside_workspace'],
    ['NUL byte', 'src/a.ts\0.png', 'path_invalid'],
    ['encoded NUL byte', 'src/a.ts%00.png', 'path_invalid'],
    ['empty', '', 'path_invalid'],
    ['blank', '   ', 'path_invalid'],
    ['encoded many times over', '%2525252525252e', 'path_invalid'],
  ];
  for (const [label, raw, code] of hostile) {
    it(`refuses ${label}: ${JSON.stringify(raw)}`, async () => {
      await assert.rejects(confinePath(raw, roots), refusedWith(code));
    });
  }

  it('refuses everything when no folder is open', async () => {
    await assert.rejects(confinePath('src/a.ts', { folders: [], caseInsensitive: false }), refusedWith('no_workspace'));
  });

  it('compares case-folded only on a case-insensitive file system', () => {
    const upper = join(base, 'PROJECT', 'src', 'a.ts');
    assert.throws(() => resolveLexically(upper, roots), refusedWith('path_outside_workspace'));
    assert.equal(resolveLexically(upper, { ...roots, caseInsensitive: true }).relative, 'src/a.ts');
    assert.throws(() => resolveLexically('../PROJECT-OTHER/x', { ...roots, caseInsensitive: true }), refusedWith('path_outside_workspace'));
  });

  it('detects the case sensitivity of the file system holding a folder', async () => {
    const probe = join(base, 'Project', 'src', 'A.TS');
    const sameFile = await fs.stat(probe).then(() => true, () => false);
    assert.equal(await isCaseInsensitiveFileSystem(root), sameFile);
  });

  it('resolves a leading folder name in a multi-root workspace', async () => {
    const second = join(base, 'outside');
    const multi = { folders: [root, second], caseInsensitive: false };
    const confined = await confinePath('outside/secret.txt', multi);
    assert.equal(confined.root, second);
    assert.equal(confined.relative, 'secret.txt');
  });

  describe('symbolic links', () => {
    before(async () => {
      await fs.symlink(join(base, 'outside'), join(root, 'escape'));
      await fs.symlink(join(base, 'outside', 'secret.txt'), join(root, 'secret-link.txt'));
      await fs.symlink(join(root, 'src'), join(root, 'src-link'));
      await fs.symlink(join(base, 'outside', 'not-yet'), join(root, 'dangling'));
    });

    it('refuses a file reached through a linked folder that points outside', async () => {
      await assert.rejects(confinePath('escape/secret.txt', roots), refusedWith('path_outside_workspace'));
    });
    it('refuses a new file under a linked folder that points outside', async () => {
      await assert.rejects(confinePath('escape/new/deeper.txt', roots), refusedWith('path_outside_workspace'));
    });
    it('refuses a linked file that points outside', async () => {
      await assert.rejects(confinePath('secret-link.txt', roots), refusedWith('path_outside_workspace'));
    });
    it('refuses a dangling link that points outside', async () => {
      await assert.rejects(confinePath('dangling', roots), refusedWith('path_outside_workspace'));
    });
    it('accepts a link that stays inside the workspace', async () => {
      assert.equal((await confinePath('src-link/a.ts', roots)).relative, 'src-link/a.ts');
    });
  });
});
