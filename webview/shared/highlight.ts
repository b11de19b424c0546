/**
 * Syntax highlighting for code blocks in answers: highlight.js, the highlighter VS Code's own Markdown preview
 * uses, with the core and the languages people most often paste (about 75 KB minified, where a TextMate-grammar
 * highlighter such as Shiki is megabytes; the webview bundle's budget is 350 KB). CSS is left out (13 KB on its
 * own). Tokens get hljs-* classes that media/webview.css colours from the VS
 * Code theme. Only fences that name a language are highlighted: guessing is slow and often wrong mid-stream.
 */
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import csharp from 'highlight.js/lib/languages/csharp';
import diff from 'highlight.js/lib/languages/diff';
import dockerfile from 'highlight.js/lib/languages/dockerfile';
import go from 'highlight.js/lib/languages/go';
import ini from 'highlight.js/lib/languages/ini';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import shell from 'highlight.js/lib/languages/shell';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

const LANGUAGES = {
  bash,
  c,
  csharp,
  diff,
  dockerfile,
  go,
  ini,
  java,
  javascript,
  json,
  markdown,
  python,
  rust,
  shell,
  sql,
  typescript,
  xml,
  yaml,
};
for (const [name, language] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, language);
// Fence names people write that highlight.js knows under another name (its own aliases cover ts, js, py, sh, yml…).
hljs.registerAliases(['jsonc', 'json5'], { languageName: 'json' });
hljs.registerAliases(['vue', 'svelte'], { languageName: 'xml' });
// C++ through the C grammar (strings, comments, numbers, types): the C++ grammar would cost 6 KB of the budget.
hljs.registerAliases(['cpp', 'c++', 'cc', 'cxx', 'hpp', 'hh'], { languageName: 'c' });

/**
 * The code as highlighted HTML (escaped text in hljs-* spans), or undefined when the language is unknown, so the
 * caller renders it plain. A grammar that throws on odd input must not lose the answer: that is plain text too.
 */
export function highlightCode(code: string, language: string): string | undefined {
  if (!language || !hljs.getLanguage(language)) return undefined;
  try {
    return hljs.highlight(code, { language, ignoreIllegals: true }).value;
  } catch {
    return undefined;
  }
}
