// A short unified diff of a proposed change, for reading in a narrow chat card: hunks with two lines of context,
// no file headers, and a cap on length (the diff editor shows the whole change). jsdiff computes it: a small,
// dependency-free, long-maintained package, rather than a hand-written LCS.

import { structuredPatch } from 'diff';

/** At most this many diff lines are shown in a card; the rest is counted in a last line. */
export const COMPACT_DIFF_MAX_LINES = 80;

/**
 * The change from `before` to `after` as unified-diff lines ("@@ -3,4 +3,4 @@", " context", "-old", "+new"),
 * at most `maxLines` of them plus a line saying how many more there are. Empty when nothing changes.
 */
export function compactDiff(before: string, after: string, maxLines = COMPACT_DIFF_MAX_LINES): string {
  const patch = structuredPatch('before', 'after', before, after, '', '', { context: 2 });
  const lines: string[] = [];
  for (const hunk of patch.hunks) {
    // As `diff -u` writes it: an empty side's range starts at the line before (0 for an empty file).
    const start = (line: number, count: number) => (count === 0 ? line - 1 : line);
    lines.push(`@@ -${start(hunk.oldStart, hunk.oldLines)},${hunk.oldLines} +${start(hunk.newStart, hunk.newLines)},${hunk.newLines} @@`);
    // jsdiff marks a missing final newline with a "\ No newline at end of file" line: noise in a card.
    lines.push(...hunk.lines.filter((line) => !line.startsWith('\\')));
  }
  if (lines.length <= maxLines) return lines.join('\n');
  return [...lines.slice(0, maxLines), `… ${lines.length - maxLines} more lines`].join('\n');
}
