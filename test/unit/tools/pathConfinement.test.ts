import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  confinePath,
  isCaseInsensitiveFileSystem,
  PathConfinementError,
  resolveLexically,
  type WorkspaceRoots,
} from '../../../src/core/tools/pathConfinement';

/** Every entry under `dir` with its type, size, mtime and (for files and links) content: what "untouched" means. */
async function snapshot(dir: string, entries: Record<string, string> = {}, prefix = ''): Promise<Record<string, string>> {
  for (const name of (await fs.readdir(dir)).sort()) {
    const full = join(dir, name);
    const stat = await fs.lstat(full); // links are recorded, never followed (one points at '/')
    const content = stat.isSymbolicLink() ? await fs.readlink(full) : stat.isFile() ? await fs.readFile(full, 'utf8') : '';
    entries[prefix + name] = `${stat.mode}:${stat.size}:${stat.mtimeMs}:${content}`;
    if (stat.isDirectory()) await snapshot(full, entries, `${prefix}${name}/`);
  }
  return entries;
}

function refusedWith(code: string) {
  return (error: unknown) => error instanceof PathConfinementError && error.code === code && /workspace|path/i.test(error.message);
}

describe('path confinement', () => {
  let base: string;
  let root: string;
  let roots: WorkspaceRoots;
  let untouched: Record<string, string>;
  before(async () => {
    base = await fs.realpath(await fs.mkdtemp(join(tmpdir(), 'agent-threads-confine-')));
    root = join(base, 'Project');
    await fs.mkdir(join(root, 'src'), { recursive: true });
    await fs.writeFile(join(root, 'src', 'a.ts'), 'export {};\n');
    await fs.mkdir(join(base, 'outside'));
    await fs.writeFile(join(base, 'outside', 'secret.txt'), 'secret');
    await fs.mkdir(join(base, 'Project-other'));
    await fs.symlink(join(base, 'outside'), join(root, 'escape'));
    await fs.symlink(join(base, 'outside', 'secret.txt'), join(root, 'secret-link.txt'));
    await fs.symlink(join(root, 'src'), join(root, 'src-link'));
    await fs.symlink(join(base, 'outside', 'not-yet'), join(root, 'dangling'));
    await fs.symlink('escape', join(root, 'hop'));
    await fs.symlink('../outside', join(root, 'relative-escape'));
    await fs.symlink('/', join(root, 'root-link'));
    await fs.symlink('loop-b', join(root, 'loop-a'));
    await fs.symlink('loop-a', join(root, 'loop-b'));
    roots = { folders: [root], caseInsensitive: false };
    untouched = await snapshot(base);
  });
  after(() => fs.rm(base, { recursive: true, force: true }));

  const allowed: [string, string][] = [
    ['src/a.ts', 'src/a.ts'],
    ['./src/a.ts', 'src/a.ts'],
    ['src/../src/a.ts', 'src/a.ts'],
    ['src\\a.ts', 'src/a.ts'],
    ['.', ''],
    ['src/new/file.ts', 'src/new/file.ts'],
    ['..hidden-but-inside.txt', '..hidden-but-inside.txt'],
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
    ['double-encoded NUL byte', 'src/a.ts%2500', 'path_invalid'],
    ['the parent folder itself', '..', 'path_outside_workspace'],
    ['climb behind a dot segment', './../outside/secret.txt', 'path_outside_workspace'],
    ['root folder', '/', 'path_outside_workspace'],
    ['/proc escape', '/proc/self/root/etc/passwd', 'path_outside_workspace'],
    ['backslash absolute', '\\etc\\passwd', 'path_outside_workspace'],
    ['URL-encoded home', '%7e/.ssh/id_rsa', 'path_outside_workspace'],
    ['UNC share', '\\\\server\\share\\file.txt', 'path_outside_workspace'],
    ['forward-slash UNC share', '//server/share/file.txt', 'path_outside_workspace'],
    ['Win32 device namespace', '\\\\?\\C:\\Windows\\win.ini', 'path_outside_workspace'],
    ['file URL', 'file:///etc/passwd', 'path_invalid'],
    ['long climb', `${'../'.repeat(200)}etc/passwd`, 'path_outside_workspace'],
    ['climb hidden in a long path', `src/${'x/../'.repeat(100)}../../outside/secret.txt`, 'path_outside_workspace'],
    ['path longer than PATH_MAX', 'a/'.repeat(3000), 'path_invalid'],
    ['name longer than NAME_MAX', `src/${'x'.repeat(300)}.ts`, 'path_invalid'],
    ['reserved device name', 'CON', 'path_invalid'],
    ['reserved name with an extension', 'nul.txt', 'path_invalid'],
    ['reserved name in a folder', 'src/aux.ts', 'path_invalid'],
    ['serial port device', 'COM1', 'path_invalid'],
    ['printer port with an extension', 'lpt9.log', 'path_invalid'],
    ['console device', 'CONIN$', 'path_invalid'],
    ['alternate data stream', 'src/a.ts::$DATA', 'path_invalid'],
    ['named data stream on a protected file', '.env:hidden', 'path_invalid'],
    ['trailing dot Windows drops', '.env.', 'path_invalid'],
    ['trailing space Windows drops', '.git /config', 'path_invalid'],
    ['triple dot', '.../outside/secret.txt', 'path_invalid'],
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
    const sameFile = await fs.stat(probe).then(
      () => true,
      () => false,
    );
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
    it('refuses a chain of links that ends outside', async () => {
      await assert.rejects(confinePath('hop/secret.txt', roots), refusedWith('path_outside_workspace'));
    });
    it('refuses a relative link that climbs out', async () => {
      await assert.rejects(confinePath('relative-escape/secret.txt', roots), refusedWith('path_outside_workspace'));
    });
    it('refuses a link to the root folder', async () => {
      await assert.rejects(confinePath('root-link/etc/passwd', roots), refusedWith('path_outside_workspace'));
    });
    it('refuses a link loop', async () => {
      await assert.rejects(confinePath('loop-a/x.txt', roots), refusedWith('path_invalid'));
    });
    it('accepts a link that stays inside the workspace', async () => {
      assert.equal((await confinePath('src-link/a.ts', roots)).relative, 'src-link/a.ts');
    });
  });

  // Runs after every refusal above (mocha runs nested suites after the outer tests).
  describe('afterwards', () => {
    it('left every file, folder and link as it was: refusing touches nothing', async () => {
      assert.deepEqual(await snapshot(base), untouched);
    });
  });
});
