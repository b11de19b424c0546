/**
 * What VS Code loads (package.json `main`, bundled as dist/extension.js). The extension itself, built from
 * extension.ts (the composition root), is dist/agentThreads.js: this loads it through V8's code cache (codeCache.ts),
 * kept in the extension's global storage, so that a start after the first compiles next to nothing.
 */
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { requireWithCodeCache } from './codeCache';
import type * as extension from './extension';

/**
 * When to save the cache after activation: once the first paint (the tree, the chat view) has run its code, so that
 * code is in the cache too, and start-up, ours and other extensions', is over, so the few milliseconds of writing it
 * delay none of it. Only when there was no usable cache: usually the first start after an install or update.
 */
const SAVE_CACHE_AFTER_MS = 5000;

let loaded: typeof extension | undefined;

export function activate(context: vscode.ExtensionContext): extension.AgentThreadsApi {
  // Marks on the process's performance timeline, as VS Code sets its own: `npm run bench` splits activation by them.
  performance.mark('agent-threads/willLoadBundle');
  const bundle = requireWithCodeCache(join(__dirname, 'agentThreads.js'), join(context.globalStorageUri.fsPath, 'code-cache'));
  performance.mark('agent-threads/didLoadBundle', { detail: bundle.cacheUse });
  loaded = bundle.exports as typeof extension;
  const api = loaded.activate(context);
  if (bundle.cacheUse !== 'used') {
    const timer = setTimeout(() => {
      // Not awaited by anyone: a cache that could not be written (read-only or full disk) only means the next start
      // compiles from source, as this one did.
      bundle.saveCache().catch(() => undefined);
    }, SAVE_CACHE_AFTER_MS);
    timer.unref(); // the cache is no reason to keep a closing extension host alive
    context.subscriptions.push({ dispose: () => clearTimeout(timer) });
  }
  return api;
}

export function deactivate(): void {
  loaded?.deactivate();
}
