/**
 * Localised strings in the webviews. The host puts VS Code's bundle for the display language into the page (a JSON
 * script block, so the CSP's nonce-only script rule is untouched); in English there is none and `t` returns the
 * source string with its placeholders filled. `npm run l10n` extracts every `t(...)` call into l10n/bundle.l10n.json.
 */
import * as l10n from '@vscode/l10n';

const BUNDLE_ELEMENT_ID = 'agent-threads-l10n';

const bundleText = document.getElementById(BUNDLE_ELEMENT_ID)?.textContent;
if (bundleText) l10n.config({ contents: JSON.parse(bundleText) as Record<string, string> });

export const t = l10n.t;
