/**
 * Localised strings in the webviews. The host puts VS Code's bundle for the display language into the page (a JSON
 * script block, so the CSP's nonce-only script rule is untouched); this module hands it to `@vscode/l10n`, and is
 * the first import of each webview's main.ts so the bundle is in place before any text is made. In English there is
 * none and `l10n.t` returns the source string with its placeholders filled.
 *
 * Modules call `l10n.t(...)` with `import * as l10n from '@vscode/l10n'`, exactly so: that is the form `npm run l10n`
 * (vscode-l10n-dev) recognises when it extracts strings into l10n/bundle.l10n.json; an alias is invisible to it.
 */
import * as l10n from '@vscode/l10n';

const BUNDLE_ELEMENT_ID = 'agent-threads-l10n';

const bundleText = document.getElementById(BUNDLE_ELEMENT_ID)?.textContent;
if (bundleText) l10n.config({ contents: JSON.parse(bundleText) as Record<string, string> });
