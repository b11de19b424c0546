import type { RevealView } from '../../src/protocol/threadView';

/** Words as the search index cuts them (src/core/search/searchTerms.ts): runs of letters and digits, any script. */
const WORD = /[\p{L}\p{N}]+/gu;
/** Enough to show where a query matched; a pasted log with thousands of hits should not turn into thousands of nodes. */
const MAX_MARKS = 200;

/**
 * Wraps what the search matched inside `root` in <mark> elements: every whole word of the query, and the start of
 * words that begin with its last (possibly unfinished) word, as the search itself matches. Returns the marks, in order.
 */
export function markSearchWords(root: Element, { words, prefix }: Pick<RevealView, 'words' | 'prefix'>): HTMLElement[] {
  if (words.length === 0 && !prefix) return [];
  const texts: Text[] = [];
  // The text the message says, not the labels of its buttons (a code block's Copy and Insert).
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => (node.parentElement?.closest('button, [data-action]') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  while (walker.nextNode()) texts.push(walker.currentNode as Text);
  const marks: HTMLElement[] = [];
  for (const text of texts) {
    const ranges = matchesIn(text.data, words, prefix).slice(0, MAX_MARKS - marks.length);
    const inNode: HTMLElement[] = [];
    // From the end, so the offsets of earlier matches stay valid while the node is split.
    for (const [start, end] of ranges.reverse()) {
      const matched = text.splitText(start);
      matched.splitText(end - start);
      const mark = document.createElement('mark');
      mark.className = 'search-mark';
      matched.replaceWith(mark);
      mark.append(matched);
      inNode.unshift(mark);
    }
    marks.push(...inNode);
    if (marks.length >= MAX_MARKS) break;
  }
  return marks;
}

function matchesIn(text: string, words: string[], prefix: string): [number, number][] {
  const ranges: [number, number][] = [];
  for (const match of text.matchAll(WORD)) {
    const word = match[0].toLowerCase();
    if (words.includes(word)) ranges.push([match.index, match.index + match[0].length]);
    else if (prefix && word.startsWith(prefix)) ranges.push([match.index, match.index + prefix.length]);
  }
  return ranges;
}
