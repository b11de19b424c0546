/**
 * Bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) let a name display as something else
 * ("evil\u202Eexe.txt" shows as "eviltxt.exe"). Names and titles show them as visible markers instead; the stored
 * text keeps them, so nothing is lost.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

export function visibleBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, (char) => `[U+${char.codePointAt(0)!.toString(16).toUpperCase()}]`);
}
