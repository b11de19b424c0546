// The `tar` package (~85 KiB of bundled code) is loaded on the first backup or restore, not when the extension
// activates. The extension bundle maps this require to dist/tar.js (see esbuild.mjs).

import type * as TarPackage from 'tar';

let loaded: typeof TarPackage | undefined;

/** The `tar` package, required on first use. */
export function tarPackage(): typeof TarPackage {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load; `import()` would make the callers async
  return (loaded ??= require('tar') as typeof TarPackage);
}
