/**
 * Loads a CommonJS bundle as `require` would, but compiles it through V8's code cache, kept in a folder of ours.
 *
 * Compiling the extension's 490 KiB bundle takes V8 about 10 ms on every start, and each function it runs while the
 * extension activates is compiled again on its first call: most of what activation costs beyond our own work. V8
 * can save the code it compiled and take it back on the next start (Node's `vm.Script` `cachedData`, what
 * v8-compile-cache and VS Code's own start-up use); that library hooks every module of the process, and the extension
 * host is shared with every other extension, so this does it for our bundle alone.
 *
 * The cache is an optimisation only: any file that is missing, damaged, or written by another V8 or for another build
 * of the bundle is ignored (the bundle is compiled from its source, as require would) and replaced on the next save.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

/**
 * How a load used the cache: `used`; `rejected` by V8 (another V8 or other flags wrote it), so compiled from source;
 * or `none`: no cache for this build, or a damaged one (our checksum), so compiled from source.
 */
export type CodeCacheUse = 'used' | 'rejected' | 'none';

export interface CachedBundle {
  /** The bundle's `module.exports`. */
  readonly exports: unknown;
  readonly cacheUse: CodeCacheUse;
  /**
   * Saves the code V8 has compiled for the bundle so far (what ran since it loaded, not only its top level), unless
   * the cache it loaded from is in use already. Resolves to the file written, or undefined when nothing was written.
   */
  saveCache(): Promise<string | undefined>;
}

const CHECKSUM_BYTES = 32;

/**
 * The cache file for this build of `bundle` on this V8: its size and time of writing name the build (V8 checks only
 * a source's length, so a rebuilt bundle of the same length must not find the old code), the V8 version its format.
 */
function cacheFileFor(bundle: string, cacheDir: string): string {
  const { size, mtimeMs } = statSync(bundle);
  const key = createHash('sha256').update(`${size}:${mtimeMs}:${process.versions.v8}:${process.arch}`).digest('hex').slice(0, 16);
  return join(cacheDir, `${basename(bundle)}.${key}.v8cache`);
}

/** The cached code in `file`, when it is there and whole: a checksum of it precedes it. */
function readCachedCode(file: string): Buffer | undefined {
  let contents: Buffer;
  try {
    contents = readFileSync(file);
  } catch {
    return undefined; // no cache yet (or unreadable): compile from source
  }
  const code = contents.subarray(CHECKSUM_BYTES);
  const intact =
    contents.length > CHECKSUM_BYTES && createHash('sha256').update(code).digest().equals(contents.subarray(0, CHECKSUM_BYTES));
  return intact ? code : undefined;
}

/** `bundle`'s exports, compiled with the code cached in `cacheDir` for it where there is a usable one. */
export function requireWithCodeCache(bundle: string, cacheDir: string): CachedBundle {
  const cacheFile = cacheFileFor(bundle, cacheDir);
  const cachedData = readCachedCode(cacheFile);
  const source = readFileSync(bundle, 'utf8');
  // Node's module wrapper: it moves only the bundle's first line, its "use strict", to the right.
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
  const script = new Script(wrapped, { filename: bundle, cachedData });
  const cacheUse: CodeCacheUse = !cachedData ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';

  // As Node runs a module: its own require (relative paths from the bundle's folder; VS Code's `vscode` module is
  // found by the requiring file's path, which is the bundle's), module, exports, __filename, __dirname.
  const module = { exports: {} as unknown };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));

  return {
    exports: module.exports,
    cacheUse,
    async saveCache() {
      if (cacheUse === 'used') return undefined;
      const code = script.createCachedData();
      await mkdir(cacheDir, { recursive: true });
      // Written aside and renamed: a window closing mid-write leaves the old file or none, never half of one.
      const partial = `${cacheFile}.${process.pid}.partial`;
      await writeFile(partial, Buffer.concat([createHash('sha256').update(code).digest(), code]));
      await rename(partial, cacheFile);
      await removeOtherCaches(cacheDir, bundle, cacheFile);
      return cacheFile;
    },
  };
}

/** Older builds' and V8s' caches of `bundle`: nothing will read them again. */
async function removeOtherCaches(cacheDir: string, bundle: string, keep: string): Promise<void> {
  const prefix = `${basename(bundle)}.`;
  const stale = (await readdir(cacheDir)).filter(
    (name) => name.startsWith(prefix) && name.endsWith('.v8cache') && join(cacheDir, name) !== keep,
  );
  await Promise.all(stale.map((name) => rm(join(cacheDir, name), { force: true })));
}
