// Ranks workspace paths against what the user typed after `#` in the composer, the way a quick-open list does:
// a file whose name starts with the text first, then names containing it, then paths containing it, then paths
// holding its letters in order. Shorter paths first within a rank (a file near the root is the likelier one).

/** How well `path` matches `query` (lower is better), or undefined when it does not match at all. */
export function pathMatchRank(path: string, query: string): number | undefined {
  const needle = query.toLowerCase();
  const haystack = path.toLowerCase();
  const name = haystack.slice(haystack.lastIndexOf('/') + 1);
  if (!needle) return 0;
  if (name.startsWith(needle)) return 0;
  if (name.includes(needle)) return 1;
  if (haystack.includes(needle)) return 2;
  return inOrder(haystack, needle) ? 3 : undefined;
}

/** The paths that match `query`, best first, at most `limit`. */
export function rankPaths(paths: readonly string[], query: string, limit: number): string[] {
  const ranked: { path: string; rank: number }[] = [];
  for (const path of paths) {
    const rank = pathMatchRank(path, query);
    if (rank !== undefined) ranked.push({ path, rank });
  }
  ranked.sort((a, b) => a.rank - b.rank || a.path.length - b.path.length || a.path.localeCompare(b.path));
  return ranked.slice(0, limit).map((entry) => entry.path);
}

function inOrder(haystack: string, needle: string): boolean {
  let at = 0;
  for (const char of needle) {
    at = haystack.indexOf(char, at);
    if (at < 0) return false;
    at++;
  }
  return true;
}
