import { formatRelativeDays } from '../lib/i18n/messages';

/** Dates as people read them, in the browser's language (lib/i18n). */
export { formatDate, formatDateTime } from '../lib/i18n/messages';

/** "in 12 days", "today", "3 days ago"; '' for no date. */
export function formatDaysFrom(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return '';
  const ms = Date.parse(iso) - now.getTime();
  if (Number.isNaN(ms)) return '';
  return formatRelativeDays(Math.round(ms / 86_400_000));
}
