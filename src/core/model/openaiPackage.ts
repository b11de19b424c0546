// The `openai` package (~150 KiB of bundled code) is loaded on the first model call, not when the extension
// activates. The extension bundle maps this require to dist/openai.js (see esbuild.mjs); every user of the package's
// classes (the client, the error mapping's instanceof checks) goes through here, so they share one copy.

import type * as OpenAIPackage from 'openai';

let loaded: typeof OpenAIPackage | undefined;

/** The `openai` package, required on first use. */
export function openaiPackage(): typeof OpenAIPackage {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load; `import()` would make the callers async
  return (loaded ??= require('openai') as typeof OpenAIPackage);
}
