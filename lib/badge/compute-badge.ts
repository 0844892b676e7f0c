import type { RenewalRecord } from '../renewal/renewal-record';

export interface BadgeState {
  text: string;
  color: string;
  /** The toolbar tooltip: the same news in words. */
  title: string;
}

export interface TokenWatch {
  /** Tokens Addigy or Apple call revoked, invalid, expired or failing. */
  unhealthy: string[];
  /** The soonest expiry inside the reminder window, if any. */
  soonest?: { locationName: string; daysLeft: number };
}

export const BADGE_COLORS = { alert: '#C5221F', attention: '#B06000', busy: '#1A56DB' } as const;
const IN_PROGRESS: RenewalRecord['step'][] = ['captured', 'parsed', 'verified', 'matched', 'handing-over', 'previewed', 'renewing', 'scanning'];
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The one most important thing, by priority: failure > awaiting confirmation > expiring soon > in progress. */
export function computeBadge(renewals: RenewalRecord[], watch: TokenWatch = { unhealthy: [] }): BadgeState {
  const failed = renewals.filter((r) => r.step === 'failed' && !r.dismissed);
  if (failed.length || watch.unhealthy.length) {
    const parts = [
      failed.length ? `${plural(failed.length, 'renewal')} failed` : '',
      watch.unhealthy.length ? `needs attention: ${watch.unhealthy.join(', ')}` : '',
    ].filter(Boolean);
    return { text: '!', color: BADGE_COLORS.alert, title: `Token Relay: ${parts.join('; ')}` };
  }
  const guided = renewals.filter((r) => r.step === 'handing-over' && r.console?.guide && !r.console.signInSince);
  if (guided.length) {
    return {
      text: String(guided.length),
      color: BADGE_COLORS.attention,
      title: 'Token Relay: Addigy needs your clicks in the tab Token Relay opened',
    };
  }
  const signIn = renewals.filter((r) => r.step === 'handing-over' && r.console?.signInSince);
  if (signIn.length) {
    return {
      text: String(signIn.length),
      color: BADGE_COLORS.attention,
      title: 'Token Relay: sign in to Addigy in the tab Token Relay opened',
    };
  }
  const waiting = renewals.filter((r) => r.step === 'awaiting-confirmation');
  if (waiting.length) {
    return {
      text: String(waiting.length),
      color: BADGE_COLORS.attention,
      title: `Token Relay: ${plural(waiting.length, 'token')} awaiting your confirmation`,
    };
  }
  if (watch.soonest) {
    const { locationName, daysLeft } = watch.soonest;
    return {
      text: `${daysLeft}d`,
      color: BADGE_COLORS.attention,
      title: `Token Relay: the token for ${locationName} expires in ${plural(daysLeft, 'day')}`,
    };
  }
  if (renewals.some((r) => IN_PROGRESS.includes(r.step))) {
    return { text: '…', color: BADGE_COLORS.busy, title: 'Token Relay: renewal in progress' };
  }
  return { text: '', color: BADGE_COLORS.busy, title: 'Token Relay: all tokens fine' };
}
