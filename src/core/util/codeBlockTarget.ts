// Which file a code block in an answer is meant for, when it says so: in the fence's info string
// ("```ts src/greet.ts", "```ts title=src/greet.ts", "```ts:src/greet.ts") or in a first-line comment
// ("// filepath: src/greet.ts", the convention Copilot Chat's answers follow).

/** The file a code block names and its code without the naming comment; undefined when it names none. */
export interface NamedCodeBlock {
  path: string;
  code: string;
}

const KEYED = /^(?:title|file|filename|filepath|path)=["']?([^"']+)["']?$/i;
const FIRST_LINE_COMMENT = /^\s*(?:\/\/|#|--|;|<!--|\/\*)\s*(?:filepath|file|filename|path)\s*:\s*(\S+?)\s*(?:-->|\*\/)?\s*$/i;

/** Whether a word of an info string reads as a file path rather than an option ("linenos", "{1,3}"). */
function looksLikePath(word: string): boolean {
  return /^[\w@~./\\-]+$/.test(word) && /[./\\]/.test(word) && !/^\.+$/.test(word);
}

/** The file `info` or the first line of `code` names, if either does. */
export function fileNamedByCodeBlock(info: string, code: string): NamedCodeBlock | undefined {
  const [first = '', ...rest] = info.trim().split(/\s+/);
  const colon = first.indexOf(':');
  const candidates = [...(colon > 0 ? [first.slice(colon + 1)] : []), ...rest];
  for (const word of candidates) {
    const path = KEYED.exec(word)?.[1] ?? word;
    if (looksLikePath(path)) return { path, code };
  }
  const newline = code.indexOf('\n');
  const firstLine = newline < 0 ? code : code.slice(0, newline);
  const named = FIRST_LINE_COMMENT.exec(firstLine)?.[1];
  if (named && looksLikePath(named)) return { path: named, code: newline < 0 ? '' : code.slice(newline + 1) };
  return undefined;
}
