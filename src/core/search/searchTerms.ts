// How text becomes search terms: runs of letters and digits (any script), lower-cased. Very long runs (hashes,
// base64) are left out: nobody types them and they would bloat the vocabulary.

const WORD = /[\p{L}\p{N}]+/gu;
const MAX_TERM_LENGTH = 48;

/** The distinct terms of `text`, lower-cased. */
export function termsOf(text: string): Set<string> {
  const terms = new Set<string>();
  for (const match of text.toLowerCase().matchAll(WORD)) {
    if (match[0].length <= MAX_TERM_LENGTH) terms.add(match[0]);
  }
  return terms;
}

/** A parsed query: whole words that must all occur, and a last word that may be the start of a word. */
export interface SearchQuery {
  words: string[];
  prefix: string;
}

/** Parses what the user typed; undefined when it holds no word to look for. */
export function parseQuery(text: string): SearchQuery | undefined {
  const words = [...text.toLowerCase().matchAll(WORD)].map((match) => match[0].slice(0, MAX_TERM_LENGTH));
  if (!words.length) return undefined;
  return { words: [...new Set(words.slice(0, -1))], prefix: words[words.length - 1] };
}

/** Where the query matches `text`, or undefined when it does not (every word whole, the last as a prefix). */
export function matchIn(text: string, query: SearchQuery): { start: number; length: number } | undefined {
  const lower = text.toLowerCase();
  let first: { start: number; length: number } | undefined;
  const found = new Set<string>();
  let prefixAt: { start: number; length: number } | undefined;
  for (const match of lower.matchAll(WORD)) {
    const word = match[0];
    const at = { start: match.index, length: word.length };
    if (query.words.includes(word)) {
      found.add(word);
      first ??= at;
    }
    if (!prefixAt && word.startsWith(query.prefix)) prefixAt = { start: at.start, length: query.prefix.length };
  }
  if (!prefixAt || found.size < query.words.length) return undefined;
  return first && first.start < prefixAt.start ? first : prefixAt;
}

/** About `width` characters of `text` around a match, on one line, with ellipses where it was cut. */
export function snippetAround(
  text: string,
  at: { start: number; length: number },
  width = 120,
): { text: string; highlight: [number, number] } {
  const before = Math.floor((width - at.length) / 3);
  const from = Math.max(0, at.start - Math.max(before, 0));
  const to = Math.min(text.length, from + width);
  const head = from > 0 ? '…' : '';
  const body = text.slice(from, to).replace(/\s+/g, ' ');
  // Whitespace collapsing may shift the match; find it again in the cleaned text.
  const needle = text.slice(at.start, at.start + at.length).replace(/\s+/g, ' ');
  const offset = Math.max(0, body.toLowerCase().indexOf(needle.toLowerCase()));
  return { text: `${head}${body}${to < text.length ? '…' : ''}`, highlight: [head.length + offset, head.length + offset + needle.length] };
}
