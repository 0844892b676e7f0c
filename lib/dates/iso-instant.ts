/**
 * Instants as Apple, Addigy and the other MDMs write them: ISO-8601 with a zone, including Apple's `+0000`
 * (no colon). One reading for all, so a renewal's expiry compares the same wherever it is checked.
 */

/** Two expiries that name the same second (Addigy and the MDMs may drop Apple's offset style or the milliseconds). */
export function sameInstant(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const [x, y] = [Date.parse(normaliseOffset(a)), Date.parse(normaliseOffset(b))];
  return Number.isFinite(x) && Number.isFinite(y) && Math.abs(x - y) < 1000;
}

/** Same calendar day (UTC): some MDMs report only the date of the expiry. */
export function sameDay(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const [x, y] = [Date.parse(normaliseOffset(a)), Date.parse(normaliseOffset(b))];
  return Number.isFinite(x) && Number.isFinite(y) && new Date(x).toISOString().slice(0, 10) === new Date(y).toISOString().slice(0, 10);
}

// A date, or a date-time with a zone (Z, +00:00 or Apple's +0000): a zoneless time would be read as local time.
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}))?$/i;

/** An ISO-8601 date or date-time with a zone, as ISO UTC; undefined unless valid. */
export function isoInstant(text: string | null | undefined): string | undefined {
  const trimmed = text?.trim();
  if (!trimmed || !ISO_8601.test(trimmed)) return undefined;
  const time = Date.parse(normaliseOffset(trimmed));
  return Number.isFinite(time) ? new Date(time).toISOString() : undefined;
}

const normaliseOffset = (text: string) => text.trim().replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
