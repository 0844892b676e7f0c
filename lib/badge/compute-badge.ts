import { batchProgress, type BatchRecord } from '../batch/batch-record';
import type { RenewalRecord } from '../renewal/renewal-record';
import { formatList, formatNumber, plural, t } from '../i18n/messages';

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
/** Several pieces of news, one after the other, in the admin's language. */
const joinNews = (news: string[]) => news.reduce((all, next) => t('badgeNewsJoin', all, next));

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
      failed.length ? plural('badgeRenewalsFailed', failed.length) : '',
      batchLeft ? t('badgeBatchLeft', formatNumber(batchLeft), formatNumber(batch!.items.length)) : '',
      watch.unhealthy.length ? t('badgeNeedsAttention', formatList(watch.unhealthy)) : '',
    ].filter(Boolean);
    return { text: '!', color: BADGE_COLORS.alert, title: t('badgeTitle', joinNews(parts)) };
  }
  const guided = renewals.filter((r) => r.step === 'handing-over' && r.console?.guide && !r.console.signInSince);
  if (guided.length) {
    return {
      text: String(guided.length),
      color: BADGE_COLORS.attention,
      title: t('badgeGuided'),
    };
  }
  const signIn = renewals.filter((r) => r.step === 'handing-over' && r.console?.signInSince);
  if (signIn.length) {
    return {
      text: String(signIn.length),
      color: BADGE_COLORS.attention,
      title: t('badgeSignIn'),
    };
  }
  if (batch?.step === 'proposed') {
    return {
      text: String(batch.items.length),
      color: BADGE_COLORS.attention,
      title: plural('badgeBatchProposed', batch.items.length, batch.orgName),
    };
  }
  const waiting = renewals.filter((r) => r.step === 'awaiting-confirmation');
  if (waiting.length) {
    return {
      text: String(waiting.length),
      color: BADGE_COLORS.attention,
      title: plural('badgeAwaiting', waiting.length),
    };
  }
  if (watch.soonest) {
    const { locationName, daysLeft } = watch.soonest;
    return {
      text: t('badgeDaysText', daysLeft),
      color: BADGE_COLORS.attention,
      title: plural('badgeExpiresIn', daysLeft, locationName),
    };
  }
  if (renewals.some((r) => IN_PROGRESS.includes(r.step))) {
    return { text: '…', color: BADGE_COLORS.busy, title: t('badgeInProgress') };
  }
  return { text: '', color: BADGE_COLORS.busy, title: t('badgeAllFine') };
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
    plural('badgeRenewing', total, formatNumber(renewed)),
    needsYou ? plural('badgeNeedsYouInPopup', needsYou) : '',
    inAddigy ? t('badgeAddigyNeedsYou') : '',
    failed ? plural('badgeFailed', failed) : '',
  ].filter(Boolean);
  return {
    text: `${renewed}/${total}`,
    color: needsYou || inAddigy ? BADGE_COLORS.attention : BADGE_COLORS.busy,
    title: joinNews(news),
  };
}
