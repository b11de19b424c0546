/**
 * The files a drop onto the webview carries, as URIs. A drag from VS Code's Explorer or an editor tab (held with
 * Shift, or VS Code opens the file instead) crosses into the webview with several types: `text/uri-list` holds only
 * the first file (VS Code truncates it, working around a Chromium bug), while `application/vnd.code.uri-list`
 * (newline-separated) and `resourceurls` (a JSON array) carry all of them; files from the OS come as text/uri-list.
 */
export function droppedUris(data: DataTransfer | null): string[] {
  if (!data) return [];
  const lines = (text: string) => text.split(/\r?\n/).filter((line) => line.trim() && !line.startsWith('#'));
  const all = lines(data.getData('application/vnd.code.uri-list'));
  if (all.length > 0) return all;
  try {
    const resources: unknown = JSON.parse(data.getData('resourceurls') || '[]');
    if (Array.isArray(resources) && resources.length > 0) return resources.filter((uri): uri is string => typeof uri === 'string');
  } catch {
    // Not VS Code's resource list: fall back to the standard type.
  }
  return lines(data.getData('text/uri-list'));
}
