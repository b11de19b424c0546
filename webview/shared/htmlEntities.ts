/**
 * Stands in for the `entities` package in the webview bundle (an esbuild alias in esbuild.mjs). markdown-it asks it
 * for one thing only, `decodeHTMLStrict('&name;')` for a single named entity it found, and the package answers from
 * a 20 KB table the browser already holds. The browser decodes through a detached <textarea>: its content is text,
 * never markup, and the pattern below lets nothing but one entity in.
 */
const SINGLE_NAMED_ENTITY = /^&[a-z][a-z0-9]{1,31};$/i;
let decoder: HTMLTextAreaElement | undefined;

export function decodeHTMLStrict(text: string): string {
  if (!SINGLE_NAMED_ENTITY.test(text)) return text;
  decoder ??= document.createElement('textarea');
  decoder.innerHTML = text;
  return decoder.value;
}
