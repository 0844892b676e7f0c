/** Dates as people read them, in their own locale. */
export function formatDate(iso?: string | null): string {
  if (!iso) return 'unknown';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? 'unknown' : date.toLocaleDateString(undefined, { dateStyle: 'medium' });
}

export function formatDateTime(iso?: string | null): string {
  if (!iso) return 'unknown';
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? 'unknown'
    : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** "in 12 days", "today", "3 days ago". */
export function formatDaysFrom(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return '';
  const ms = Date.parse(iso) - now.getTime();
  if (Number.isNaN(ms)) return '';
  const days = Math.round(ms / 86_400_000);
  if (days === 0) return 'today';
  return days > 0 ? `in ${days} day${days === 1 ? '' : 's'}` : `${-days} day${days === -1 ? '' : 's'} ago`;
}
