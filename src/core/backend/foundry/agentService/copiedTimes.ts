// Conversation items carry no time (nor any metadata of their own), so a thread copied into a conversation would
// lose when each message was written. The times go into the conversation's metadata instead, as one compact value:
// the first time in base 36, then each next one as its distance from the one before, "." between them. A value holds
// at most 512 characters (the service's limit for metadata values): about 140 messages of a chat; the messages past
// that show no time rather than a wrong one.

const SEPARATOR = '.';
/** The service's limit on the length of a metadata value. */
export const METADATA_VALUE_LIMIT = 512;

/** Message times (Unix seconds, oldest first) as one metadata value, cut to the longest prefix that fits. */
export function encodeCopiedTimes(times: readonly number[], limit = METADATA_VALUE_LIMIT): string {
  let encoded = '';
  let previous = 0;
  for (const [index, time] of times.entries()) {
    // A clock that went back is kept as "same second" rather than as a negative step, which would not decode.
    const step = index === 0 ? Math.max(0, Math.floor(time)) : Math.max(0, Math.floor(time) - previous);
    const part = (index === 0 ? '' : SEPARATOR) + step.toString(36);
    if (encoded.length + part.length > limit) break;
    encoded += part;
    previous += step;
  }
  return encoded;
}

/** The times a metadata value holds, oldest first; nothing for a value this version did not write. */
export function decodeCopiedTimes(value: string | undefined): number[] {
  if (!value || !/^[0-9a-z]+(\.[0-9a-z]+)*$/.test(value)) return [];
  let time = 0;
  return value.split(SEPARATOR).map((part) => (time += parseInt(part, 36)));
}
