const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];
// Built on the first use, not when the bundle loads: the first Intl formatter loads its locale data (~10 ms).
let formatter: Intl.RelativeTimeFormat | undefined;
const format = (value: number, unit: Intl.RelativeTimeFormatUnit): string =>
  (formatter ??= new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' })).format(value, unit);

/** "5 min. ago", "yesterday"…: a Unix-seconds timestamp relative to now, for tree descriptions. */
export function relativeTime(unixSeconds: number, nowMs = Date.now()): string {
  const elapsed = Math.round(nowMs / 1000 - unixSeconds);
  if (elapsed < 45) return 'just now';
  for (const [unit, seconds] of UNITS) {
    if (elapsed >= seconds) return format(-Math.floor(elapsed / seconds), unit);
  }
  return format(-Math.round(elapsed / 60), 'minute');
}
