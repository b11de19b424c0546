// The `yaml` package (~110 KiB of bundled code, ~70 modules evaluated when required) is loaded when the first agent
// file is read or written, not when the extension activates. The extension bundle maps this require to dist/yaml.js
// (see esbuild.mjs).

import type * as YamlPackage from 'yaml';

let loaded: typeof YamlPackage | undefined;

/** The `yaml` package, required on first use. */
export function yamlPackage(): typeof YamlPackage {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load; `import()` would make the callers async
  return (loaded ??= require('yaml') as typeof YamlPackage);
}
