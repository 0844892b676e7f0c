import { batchProgress, type BatchRecord } from '../batch/batch-record';
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

/**
 * The one most important thing, by priority: a running batch > failure > awaiting confirmation (a proposed batch
 * too) > expiring soon > in progress. A running batch wins because its own tokens are the unhealthy and expiring
 * ones the watch would report, and its renewals the ones in progress: the admin is watching it happen.
 */
export function computeBadge(renewals: RenewalRecord[], watch: TokenWatch = { unhealthy: [] }, batch?: BatchRecord): BadgeState {
  if (batch?.step === 'running') return runningBatchBadge(batch, renewals);
  const failed = renewals.filter((r) => r.step === 'failed' && !r.dismissed);
  // A finished batch's rows that were not renewed (a download whose file never came has no renewal to fail).
  const batchLeft = batch && batch.step !== 'proposed' && !batch.dismissed ? batch.items.filter((i) => i.state === 'failed' || i.state === 'needs-you').length : 0;
  if (failed.length || watch.unhealthy.length || batchLeft) {
    const parts = [
      failed.length ? `${plural(failed.length, 'renewal')} failed` : '',
      batchLeft ? `the batch left ${batchLeft} of ${batch!.items.length} not renewed` : '',
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
  if (batch?.step === 'proposed') {
    return {
      text: String(batch.items.length),
      color: BADGE_COLORS.attention,
      title: `Token Relay: ${plural(batch.items.length, 'token')} of ${batch.orgName} ready to renew, awaiting your confirmation`,
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

/**
 * "7/11": renewed of all. Amber while a row, or Addigy's tab (sign-in, guided steps), waits for the admin,
 * as an awaiting renewal is; the news in words in the title.
 */
function runningBatchBadge(batch: BatchRecord, renewals: RenewalRecord[]): BadgeState {
  const { renewed, total } = batchProgress(batch);
  const needsYou = batch.items.filter((i) => i.state === 'needs-you').length;
  const failed = batch.items.filter((i) => i.state === 'failed').length;
  const inAddigy = renewals.some((r) => r.step === 'handing-over' && (r.console?.signInSince || r.console?.guide));
  const news = [
    needsYou ? `${needsYou} need${needsYou === 1 ? 's' : ''} you in the popup` : '',
    inAddigy ? 'Addigy needs you in the tab Token Relay opened' : '',
    failed ? `${failed} failed` : '',
  ];
  return {
    text: `${renewed}/${total}`,
    color: needsYou || inAddigy ? BADGE_COLORS.attention : BADGE_COLORS.busy,
    title: [`Token Relay is renewing ${plural(total, 'token')}: ${renewed} done`, ...news].filter(Boolean).join('; '),
  };
}
