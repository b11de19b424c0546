import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CodeCacheUse } from '../../../src/codeCache';

/** A bundle as esbuild writes one: CommonJS, requiring a file beside it, reading its own path. */
function bundleSource(answer: number): string {
  return `"use strict";
const helper = require('./helper.js');
exports.answer = helper.base + ${answer};
exports.where = { file: __filename, dir: __dirname, thisIsExports: this === exports };
exports.greet = (name) => 'Hello, ' + name;
`;
}

type Loaded = {
  cacheUse: CodeCacheUse;
  answer: number;
  where: { file: string; dir: string; thisIsExports: boolean };
  greeting: string;
  saved?: string;
  saveError?: string;
};

/**
 * Loads `bundle` through the cache in a new Node process, as the next start of VS Code's extension host does (one
 * process would find the source in V8's in-memory cache of compiled scripts and never read the file), calls one of
 * its functions, and with `save` saves the cache as the extension does after start-up.
 */
async function load(bundle: string, cacheDir: string, save = false): Promise<Loaded> {
  const script = `
    const { requireWithCodeCache } = require(${JSON.stringify(require.resolve('../../../src/codeCache'))});
    const loaded = requireWithCodeCache(${JSON.stringify(bundle)}, ${JSON.stringify(cacheDir)});
    const { answer, where, greet } = loaded.exports;
    const result = { cacheUse: loaded.cacheUse, answer, where, greeting: greet('Ada') };
    (${save} ? loaded.saveCache() : Promise.resolve())
      .then((saved) => ({ ...result, saved }), (error) => ({ ...result, saveError: String(error) }))
      .then((out) => process.stdout.write(JSON.stringify(out)));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script]);
  return JSON.parse(stdout) as Loaded;
}

describe("requireWithCodeCache: a bundle compiled through V8's code cache", () => {
  let folder: string;
  let bundle: string;
  let cacheDir: string;

  beforeEach(async () => {
    folder = await fs.realpath(await fs.mkdtemp(join(tmpdir(), 'agent-threads-code-cache-')));
    bundle = join(folder, 'bundle.js');
    cacheDir = join(folder, 'global-storage', 'code-cache');
    await fs.writeFile(join(folder, 'helper.js'), 'exports.base = 40;');
    await fs.writeFile(bundle, bundleSource(2));
  });

  afterEach(() => fs.rm(folder, { recursive: true, force: true }));

  const cacheFiles = async () => (await fs.readdir(cacheDir).catch(() => [])).filter((name) => name.endsWith('.v8cache'));

  it('runs the bundle as require would, and uses the cache it saved on the next start', async () => {
    const first = await load(bundle, cacheDir, true);
    assert.equal(first.cacheUse, 'none');
    assert.equal(first.answer, 42, 'its require finds files beside the bundle');
    assert.deepEqual(first.where, { file: bundle, dir: folder, thisIsExports: true });
    assert.equal(first.greeting, 'Hello, Ada');
    assert.ok(first.saved && (await cacheFiles()).length === 1, 'a cache file is written');

    const second = await load(bundle, cacheDir, true);
    assert.equal(second.cacheUse, 'used');
    assert.equal(second.answer, 42);
    assert.equal(second.greeting, 'Hello, Ada');
    assert.equal(second.saved, undefined, 'a cache in use is not written again');
  });

  it('does not run an older build from the cache: a rebuilt bundle of the same length is compiled from its source', async () => {
    await load(bundle, cacheDir, true);
    const [oldCache] = await cacheFiles();
    await fs.writeFile(bundle, bundleSource(7)); // same length, other code
    const rebuilt = await load(bundle, cacheDir, true);
    assert.notEqual(rebuilt.cacheUse, 'used');
    assert.equal(rebuilt.answer, 47);

    const files = await cacheFiles();
    assert.equal(files.length, 1, "the older build's cache is removed");
    assert.notEqual(files[0], oldCache);
    assert.equal((await load(bundle, cacheDir)).cacheUse, 'used');
  });

  it('ignores a damaged cache file, runs the bundle all the same, and replaces the file', async () => {
    const file = (await load(bundle, cacheDir, true)).saved!;
    const contents = await fs.readFile(file);
    contents[contents.length - 10] ^= 0xff;
    await fs.writeFile(file, contents);

    const damaged = await load(bundle, cacheDir, true);
    assert.equal(damaged.cacheUse, 'none', 'the checksum finds the damage before V8 reads the code');
    assert.equal(damaged.answer, 42);
    assert.equal((await load(bundle, cacheDir)).cacheUse, 'used', 'the saved cache replaced the damaged one');

    await fs.writeFile(file, contents.subarray(0, 20)); // cut short: shorter than its checksum
    assert.equal((await load(bundle, cacheDir)).cacheUse, 'none');
  });

  it('compiles from source when V8 refuses the cached code (another V8, other flags), and saves its own', async () => {
    const file = (await load(bundle, cacheDir, true)).saved!;
    // Whole by our checksum, but not code V8 wrote: what another V8's cache is to this one.
    const foreign = Buffer.from('not code V8 wrote '.repeat(20));
    await fs.writeFile(file, Buffer.concat([createHash('sha256').update(foreign).digest(), foreign]));

    const refused = await load(bundle, cacheDir, true);
    assert.equal(refused.cacheUse, 'rejected');
    assert.equal(refused.answer, 42);
    assert.equal((await load(bundle, cacheDir)).cacheUse, 'used');
  });

  it('loads the bundle when its cache cannot be written, and says so to whoever saves', async () => {
    await fs.mkdir(join(folder, 'global-storage'), { recursive: true });
    await fs.writeFile(cacheDir, 'a file where the cache folder would go');
    const loaded = await load(bundle, cacheDir, true);
    assert.equal(loaded.answer, 42);
    assert.match(loaded.saveError ?? '', /EEXIST|ENOTDIR/);
    assert.equal((await load(bundle, cacheDir)).cacheUse, 'none');
  });
});
