import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';
import { highlightCode } from './highlight';
import * as l10n from '@vscode/l10n';

/**
 * Renders untrusted Markdown (model output, user text, tool output) to sanitized HTML: markdown-it with raw HTML
 * off, then DOMPurify with a small allow-list. Links only to http(s) and mailto (the host opens them after its
 * own check); images only as data: URLs (the CSP blocks remote images anyway). Code blocks get copy,
 * insert-at-cursor and apply-to-file buttons that the caller wires through `data-action`; the code is the block's textContent.
 */
const markdown = new MarkdownIt({
  html: false,
  linkify: true,
  breaks: false,
  // markdown-it wraps the result in <pre><code class="language-…">; undefined falls back to its own escaping.
  highlight: (code, language) => highlightCode(code, language) ?? '',
});

const SAFE_LINK = /^(https?:|mailto:)/i;
const SAFE_IMAGE = /^data:image\/(png|jpe?g|gif|webp);base64,/i;

markdown.validateLink = (url: string) => SAFE_LINK.test(url.trim()) || SAFE_IMAGE.test(url.trim());

// Remote images would track the reader (and the CSP blocks them anyway): show their alt text instead.
const defaultImage = markdown.renderer.rules.image!;
markdown.renderer.rules.image = (tokens, index, options, env, self) => {
  const src = String(tokens[index].attrGet('src') ?? '');
  if (SAFE_IMAGE.test(src)) return defaultImage(tokens, index, options, env, self);
  return `<span class="blocked-image" title="Remote images are not loaded">[image: ${markdown.utils.escapeHtml(tokens[index].content || 'remote')}]</span>`;
};

// Links go only to http(s) and mailto: anything else (a data: URL, which validateLink lets through for images)
// renders as its text, not as a link that goes nowhere.
const defaultLinkOpen =
  markdown.renderer.rules.link_open ?? ((tokens, index, options, _env, self) => self.renderToken(tokens, index, options));
const defaultLinkClose =
  markdown.renderer.rules.link_close ?? ((tokens, index, options, _env, self) => self.renderToken(tokens, index, options));
markdown.renderer.rules.link_open = (tokens, index, options, env, self) => {
  const href = String(tokens[index].attrGet('href') ?? '').trim();
  if (SAFE_LINK.test(href)) return defaultLinkOpen(tokens, index, options, env, self);
  tokens[index].meta = { ...(tokens[index].meta as object | null), dropped: true };
  return '';
};
markdown.renderer.rules.link_close = (tokens, index, options, env, self) => {
  // The matching opener is the nearest earlier link_open at the same nesting level.
  let depth = 0;
  for (let i = index - 1; i >= 0; i--) {
    if (tokens[i].type === 'link_close') depth++;
    else if (tokens[i].type === 'link_open' && depth-- === 0) {
      return (tokens[i].meta as { dropped?: boolean } | null)?.dropped ? '' : defaultLinkClose(tokens, index, options, env, self);
    }
  }
  return defaultLinkClose(tokens, index, options, env, self);
};

const defaultFence = markdown.renderer.rules.fence!;
markdown.renderer.rules.fence = (tokens, index, options, env, self) => {
  const info = tokens[index].info.trim();
  const language = info.split(/\s+/)[0] ?? '';
  const block = defaultFence(tokens, index, options, env, self);
  const escape = markdown.utils.escapeHtml;
  // The whole info string travels with the block: it may name the file Apply to File writes to ("ts src/a.ts").
  return `<div class="code-block" data-language="${escape(language)}" data-info="${escape(info)}">
<div class="code-actions">${codeAction('copy', 'copy', l10n.t('Copy'))}${codeAction('insert', 'insert', l10n.t('Insert at cursor'))}${codeAction('apply', 'git-pull-request-go-to-changes', l10n.t('Apply to File'))}</div>
${block}</div>`;
};

function codeAction(action: string, icon: string, title: string): string {
  const label = markdown.utils.escapeHtml(title);
  return `<button type="button" class="code-action" data-action="${action}" title="${label}" aria-label="${label}"><span class="codicon codicon-${icon}"></span></button>`;
}

const purifyConfig = {
  ALLOWED_TAGS: [
    'a',
    'b',
    'blockquote',
    'br',
    'button',
    'code',
    'del',
    'div',
    'em',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'hr',
    'i',
    'img',
    'li',
    'ol',
    'p',
    'pre',
    's',
    'span',
    'strong',
    'table',
    'tbody',
    'td',
    'th',
    'thead',
    'tr',
    'ul',
  ],
  ALLOWED_ATTR: [
    'href',
    'title',
    'src',
    'alt',
    'class',
    'type',
    'data-action',
    'data-language',
    'data-info',
    'aria-label',
    'start',
    'align',
  ],
  ALLOW_DATA_ATTR: false,
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#|data:image\/(?:png|jpe?g|gif|webp);base64,)/i,
  // Attributes whose values are not URLs: without this DOMPurify checks them against ALLOWED_URI_REGEXP too and
  // drops them (a list's start="3", the code buttons' data-action="copy").
  ADD_URI_SAFE_ATTR: ['start', 'type', 'align', 'data-action', 'data-language', 'data-info'],
};

// Our own sanitizer, its configuration parsed once: parsed on every call (DOMPurify's default) it cost more than
// the sanitizing, and rendering a page of history is a message after message of this.
const purify = DOMPurify(window);
purify.setConfig({ ...purifyConfig, IN_PLACE: true });
// Markdown's HTML is parsed and sanitized in a document with no window, where nothing loads or runs (as DOMPurify
// does itself), but one made once rather than a new document per message.
const inert = document.implementation.createHTMLDocument('');

/** Markdown to HTML that is safe to assign to innerHTML. */
export function renderMarkdown(text: string): string {
  const holder = inert.createElement('div');
  holder.innerHTML = markdown.render(text);
  purify.sanitize(holder, { IN_PLACE: true });
  return holder.innerHTML;
}
