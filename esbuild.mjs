// Bundles: the extension (Node, CommonJS, `vscode` external) and the webviews (browser, IIFE).
// `--production` starts from an empty dist/ and minifies without source maps (what the .vsix ships); other builds
// write source maps for debugging and tests; `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Codicons are loaded by the webviews through a <link>, so they ship as files next to the bundles. */
function copyCodicons() {
  mkdirSync('dist/codicons', { recursive: true });
  for (const file of ['codicon.css', 'codicon.ttf']) {
    copyFileSync(`node_modules/@vscode/codicons/dist/${file}`, `dist/codicons/${file}`);
  }
}

const logResult = {
  name: 'log-result',
  setup(build) {
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ ${text}${location ? ` (${location.file}:${location.line}:${location.column})` : ''}`);
      }
      if (watch) console.log(`[esbuild] ${build.initialOptions.outdir ?? build.initialOptions.outfile} rebuilt`);
    });
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  plugins: [logResult],
  define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' },
};

/**
 * Keeps what `filter` matches out of dist/extension.js: the import becomes a require of `file` (a bundle of its own,
 * built below), which runs when the code that needs it first does, not while the extension activates.
 */
function separateBundle(filter, file) {
  return {
    name: `separate-bundle:${file}`,
    setup(build) {
      build.onResolve({ filter }, () => ({ path: `./${file}`, external: true }));
    },
  };
}

/** `openai` (~150 KiB): required on the first model call (src/core/model/openaiPackage.ts). */
const openaiAsSeparateBundle = separateBundle(/^openai$/, 'openai.js');

const lazilyLoaded = [
  // gpt-tokenizer's tables are ~2.7 MB: required on first use.
  separateBundle(/^gpt-tokenizer$/, 'tokenizer.js'),
  // The Foundry backends with the Azure SDKs (@azure/ai-agents for classic agents, @azure/ai-projects for the new
  // ones): required when a workspace connects to Foundry.
  separateBundle(/core\/backend\/foundry$/, 'foundry.js'),
  openaiAsSeparateBundle,
  // OpenTelemetry and the OTLP exporter: required when a user turns tracing on (tracingController.ts).
  separateBundle(/\/tracing\/otelTracer$/, 'tracing.js'),
  // `tar`: required on the first backup or restore (src/core/history/tarPackage.ts).
  separateBundle(/^tar$/, 'tar.js'),
  // `yaml`: required when the first agent file is read or written (agentFiles/yamlPackage.ts).
  separateBundle(/^yaml$/, 'yaml.js'),
  // `ajv`: required on the first check of a tool call's arguments (tools/toolRegistry.ts).
  separateBundle(/^ajv$/, 'ajv.js'),
];

/**
 * `import * as vscode from 'vscode'` (in ~60 modules) makes a CommonJS bundle copy the API object into a namespace
 * object (esbuild's __toESM: a getter per API name, hundreds of them): 10–20 ms of every activation even when made
 * once. The API object already is what a namespace import needs, so our modules' import of it is compiled as
 * TypeScript's `import vscode = require('vscode')`, a plain require (the line stays where it was, for source maps).
 * A namespace import of a Node module (`import * as path from 'node:path'`, ~20 of them) is copied the same way, a
 * getter per export (node:fs has a hundred), and is compiled the same way. Type checking (tsc) still reads the
 * source as written.
 */
const namespaceImportsWithoutCopy = {
  name: 'namespace-imports-without-copy',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const plainRequires = source.replace(/^import \* as (\w+) from '(vscode|node:[\w/]+)';$/gm, "import $1 = require('$2');");
      return { contents: plainRequires, loader: 'ts' };
    });
    // Each of those ~60 requires would reach VS Code's require interceptor, which looks up the requiring file's real
    // path on disk to tell which extension asks (2–3 ms in all): they require one bundled module instead, and it
    // requires `vscode` once.
    build.onResolve({ filter: /^vscode$/ }, (args) =>
      args.namespace === 'vscode-once' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'vscode-once' },
    );
    build.onLoad({ filter: /.*/, namespace: 'vscode-once' }, () => ({ contents: "module.exports = require('vscode');", loader: 'js' }));
  },
};

const node = {
  ...common,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // jsonc-parser's `main` is a UMD build that requires its parts by computed paths esbuild cannot follow; its ES
  // module build bundles.
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
};

/** The extension (src/extension.ts and all it imports but the lazily loaded bundles above). */
const extension = {
  ...node,
  entryPoints: ['src/extension.ts'],
  outfile: 'dist/agentThreads.js',
  external: ['vscode'],
  plugins: [...common.plugins, ...lazilyLoaded, namespaceImportsWithoutCopy],
};

/** What VS Code loads: a few lines that load dist/agentThreads.js through V8's code cache (src/main.ts). */
const entry = {
  ...node,
  entryPoints: ['src/main.ts'],
  outfile: 'dist/extension.js',
  external: ['vscode'],
};

const foundry = {
  ...node,
  entryPoints: ['src/core/backend/foundry/index.ts'],
  outfile: 'dist/foundry.js',
  // The project's OpenAI client is the same `openai` the model client loads: one copy, in dist/openai.js.
  plugins: [...common.plugins, openaiAsSeparateBundle],
  // @azure/ai-projects pulls in @azure/storage-common's ES module build, which reads import.meta.url when it loads;
  // in a CommonJS bundle that is empty and the require fails, so it is given this file's URL.
  banner: { js: "const __foundry_bundle_url = require('node:url').pathToFileURL(__filename).href;" },
  define: { ...common.define, 'import.meta.url': '__foundry_bundle_url' },
};

const tracing = {
  ...node,
  entryPoints: ['src/vscode/backend/tracing/otelTracer.ts'],
  outfile: 'dist/tracing.js',
};

const tokenizer = {
  ...node,
  entryPoints: ['node_modules/gpt-tokenizer/esm/main.js'],
  outfile: 'dist/tokenizer.js',
};

/** Packages bundled whole, each as dist/<name>.js for the lazily loaded requires above. */
const packages = ['openai', 'tar', 'yaml', 'ajv'].map((name) => ({
  ...node,
  stdin: { contents: `module.exports = require('${name}');`, resolveDir: '.', loader: 'js' },
  outfile: `dist/${name}.js`,
}));

const webviews = {
  ...common,
  entryPoints: { app: 'webview/app/main.ts', agentEditor: 'webview/agentEditor/main.ts' },
  outdir: 'dist/webview',
  platform: 'browser',
  target: 'es2022',
  format: 'iife',
  // markdown-it's entity table (20 KB) is the browser's own: see webview/shared/htmlEntities.ts.
  alias: { entities: './webview/shared/htmlEntities.ts' },
};

// A file left from an earlier build (a map, a renamed bundle) must not reach the package.
if (production) rmSync('dist', { recursive: true, force: true });
copyCodicons();
if (watch) {
  const contexts = await Promise.all([
    esbuild.context(entry),
    esbuild.context(extension),
    esbuild.context(tokenizer),
    esbuild.context(foundry),
    esbuild.context(tracing),
    ...packages.map((options) => esbuild.context(options)),
    esbuild.context(webviews),
  ]);
  await Promise.all(contexts.map((context) => context.watch()));
  console.log('[esbuild] watching for changes');
} else {
  await Promise.all([
    esbuild.build(entry),
    esbuild.build(extension),
    esbuild.build(tokenizer),
    esbuild.build(foundry),
    esbuild.build(tracing),
    ...packages.map((options) => esbuild.build(options)),
    esbuild.build(webviews),
  ]);
}
