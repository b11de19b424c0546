const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];
const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });

/** "5 min. ago", "yesterday"…: a Unix-seconds timestamp relative to now, for tree descriptions. */
export function relativeTime(unixSeconds: number, nowMs = Date.now()): string {
  const elapsed = Math.round(nowMs / 1000 - unixSeconds);
  if (elapsed < 45) return 'just now';
  for (const [unit, seconds] of UNITS) {
    if (elapsed >= seconds) return format.format(-Math.floor(elapsed / seconds), unit);
  }
  return format.format(-Math.round(elapsed / 60), 'minute');
}
