import { tokenExpiry } from '../mdm/addigy/addigy-client';
import { redactBase64Runs } from '../token/redact-secret';
import type { AddigyToken, SystemEvent } from '../mdm/addigy/schemas';
import type { TokenWatch } from '../badge/compute-badge';
import {
  appleSite,
  appleSiteName,
  HEALTH_PRIORITY,
  isUnhealthy,
  type AppleSite,
  type HealthState,
  type TokenHealth,
} from './health-state';
import { plural, t, type MessageKey } from '../i18n/messages';

export { HEALTH_PRIORITY, UNHEALTHY_STATES, isUnhealthy } from './health-state';
export type { HealthState, TokenHealth } from './health-state';

/** What Apple itself said about a token (from a verification), keyed by the location's `uId`. */
export type AppleProblem = 'expired' | 'invalid' | 'revoked';

export interface TokenHealthInput {
  /** Addigy's list (call 1), inherited copies included. */
  tokens: AddigyToken[];
  /** Addigy's `vpp-token` system events (call 5), any order. */
  events: SystemEvent[];
  appleProblems?: Record<string, AppleProblem>;
  /** Expiry of the file last renewed here, by `locationId`: used when Addigy shows none. */
  lastRenewalExpiry?: Record<string, string>;
  now: Date;
  /** The largest reminder threshold, in days. */
  reminderWindowDays: number;
}

const DAY_MS = 86_400_000;

type Finding = { state: HealthState; reason: string };

/**
 * One health entry per token location, judged on every signal Addigy and Apple give, not on the
 * expiry date alone (revoked tokens with a far-off date are the peers' blind spot). When several
 * signals apply, HEALTH_PRIORITY decides.
 */
export function deriveTokenHealth(input: TokenHealthInput): TokenHealth[] {
  const tokens = collapseInherited(input.tokens);
  const nameCounts = new Map<string, number>();
  for (const token of tokens) {
    const name = normalName(token.clientConfig?.locationName);
    if (name) nameCounts.set(name, (nameCounts.get(name) ?? 0) + 1);
  }
  const knownIds = new Set(tokens.flatMap((t) => [t.locationId, t.clientConfig?.uId ?? ''].filter(Boolean)));

  return tokens.map((token) => {
    const name = normalName(token.clientConfig?.locationName);
    // A name identifies a location only when no other token shares it (MSPs have many "Main Campus").
    const nameIsUnique = Boolean(name) && nameCounts.get(name) === 1;
    const events = input.events.filter((event) => {
      const ids = [event.action_receiver?.identifier, event.action?.entity?.identifier].filter(
        (id): id is string => Boolean(id),
      );
      if (ids.some((id) => id === token.locationId || id === token.clientConfig?.uId)) return true;
      if (ids.some((id) => knownIds.has(id))) return false;
      return nameIsUnique && normalName(event.action_receiver?.name) === name;
    });
    return healthOf(token, events, input);
  });
}

/** Inherited copies are the same token seen through child policies: keep the original. */
function collapseInherited(tokens: AddigyToken[]): AddigyToken[] {
  const byLocation = new Map<string, AddigyToken>();
  for (const token of tokens) {
    const kept = byLocation.get(token.locationId);
    if (!kept || (kept.inheritedFrom && !token.inheritedFrom)) byLocation.set(token.locationId, token);
  }
  return [...byLocation.values()];
}

function healthOf(token: AddigyToken, events: SystemEvent[], input: TokenHealthInput): TokenHealth {
  const { now } = input;
  const config = token.clientConfig;
  const locationName = config?.locationName?.trim() || token.orgName?.trim() || t('unnamedLocation');
  const orgName = token.orgName?.trim() || '';
  const site = appleSite(config?.websiteURL);

  const fromAddigy = tokenExpiry(token);
  const fromRenewal = isoOf(input.lastRenewalExpiry?.[token.locationId]);
  const expiresAt = fromAddigy ?? fromRenewal;
  const expirySource = fromAddigy ? 'addigy' : fromRenewal ? 'last-renewal' : 'unknown';
  const daysLeft = expiresAt === undefined ? undefined : Math.ceil((Date.parse(expiresAt) - now.getTime()) / DAY_MS) || 0;
  const expiredByDate = expiresAt !== undefined && Date.parse(expiresAt) <= now.getTime();

  const status = token.lastSyncingStatus?.trim().toLowerCase() ?? '';
  const syncFailed = isFailureStatus(status);
  const lastSync = isoOf(token.lastSync);

  // Pushed in order of clarity: among findings of the same state, the first one's reason is shown.
  const findings: Finding[] = [];
  if (daysLeft !== undefined) {
    if (expiredByDate) {
      findings.push({ state: 'expired', reason: daysLeft === 0 ? t('healthExpiredToday') : plural('healthExpiredDaysAgo', -daysLeft) });
    } else if (daysLeft <= input.reminderWindowDays) {
      findings.push({ state: 'expiring-soon', reason: plural('healthExpiresIn', daysLeft) });
    }
  }

  // Apple's own answer is the most direct evidence.
  const apple = config?.uId ? input.appleProblems?.[config.uId] : undefined;
  if (apple) findings.push({ state: apple, reason: t(APPLE_SAID[apple]) });

  // A successful last sync makes an old errMsg stale.
  const errMsg = token.errMsg?.trim() ?? '';
  if (errMsg && status !== 'success') {
    const found = classifyError(errMsg, expiredByDate);
    if (found) findings.push({ state: found, reason: t(notYetExpired(found, daysLeft) ? 'healthAddigySyncInvalidNotYetExpired' : ADDIGY_SYNC_SAID[found]) });
  }
  if (syncFailed) {
    const words = showableWords(errMsg);
    findings.push({
      state: 'sync-failed',
      reason: words ? t('healthAddigySyncFailedWords', words) : t('healthAddigySyncFailed'),
    });
  }

  const event = newestEventSinceSync(events, lastSync, syncFailed);
  if (event && isFailureStatus(event.result?.status || (event.level === 'error' ? 'error' : ''))) {
    const details = [event.result?.details, event.action?.details].filter(Boolean).join(' ');
    const found = classifyError(details, expiredByDate);
    const words = showableWords(event.result?.details ?? '');
    findings.push(
      found
        ? { state: found, reason: t(notYetExpired(found, daysLeft) ? 'healthAddigyEventInvalidNotYetExpired' : ADDIGY_EVENT_SAID[found]) }
        : { state: 'sync-failed', reason: words ? t('healthAddigyRecordedFailedWords', words) : t('healthAddigyRecordedFailed') },
    );
  }

  const otherMdm = config?.mdmInfo?.name?.trim();
  if (otherMdm && !/addigy/i.test(otherMdm)) {
    findings.push({ state: 'other-mdm', reason: t('healthOtherMdm', otherMdm) });
  }

  if (token.syncing === true) findings.push({ state: 'syncing', reason: t('healthAddigySyncing') });

  const chosen = findings.sort((a, b) => HEALTH_PRIORITY.indexOf(a.state) - HEALTH_PRIORITY.indexOf(b.state))[0] ?? {
    state: 'valid' as const,
    reason: validReason(status === 'success', daysLeft),
  };

  const nextStep = nextStepFor(chosen.state, locationName, site, otherMdm);
  return {
    locationId: token.locationId,
    locationName,
    orgName,
    websiteURL: site,
    ...(expiresAt ? { expiresAt } : {}),
    expirySource,
    ...(daysLeft !== undefined ? { daysLeft } : {}),
    ...(lastSync ? { lastSync } : {}),
    state: chosen.state,
    reason: chosen.reason,
    ...(nextStep ? { nextStep } : {}),
  };
}

const APPLE_SAID: Record<AppleProblem, MessageKey> = {
  revoked: 'healthAppleRevoked',
  invalid: 'healthAppleInvalid',
  expired: 'healthAppleExpired',
};
const ADDIGY_SYNC_SAID: Record<AppleProblem, MessageKey> = {
  revoked: 'healthAddigySyncRevoked',
  invalid: 'healthAddigySyncInvalid',
  expired: 'healthAddigySyncExpired',
};
const ADDIGY_EVENT_SAID: Record<AppleProblem, MessageKey> = {
  revoked: 'healthAddigyEventRevoked',
  invalid: 'healthAddigyEventInvalid',
  expired: 'healthAddigyEventExpired',
};

/** An invalid token whose date is still ahead: the case worth pointing out (its own sentence). */
const notYetExpired = (found: AppleProblem, daysLeft: number | undefined) =>
  found === 'invalid' && daysLeft !== undefined && daysLeft > 0;

/**
 * Reads Apple's and Addigy's error text. "Error syncing token" is what Addigy says for an expired
 * token, so it means expired once the date has passed, and invalid before (e.g. a password change).
 */
function classifyError(text: string, expiredByDate: boolean): AppleProblem | undefined {
  if (/\b9625\b|revoked/i.test(text)) return 'revoked';
  if (/\b9621\b|\bexpired\b/i.test(text)) return 'expired';
  if (/error syncing token/i.test(text)) return expiredByDate ? 'expired' : 'invalid';
  if (/\b9622\b|\b401\b|invalid/i.test(text)) return 'invalid';
  return undefined;
}

const isFailureStatus = (status: string) => /^(error|fail(ed|ure)?)$/i.test(status.trim());

/**
 * The newest event that can still be true: one after the last successful sync (a later
 * successful sync means it was fixed). While the last sync is failing, lastSync is no proof of
 * a fix, so older events still explain the failure.
 */
function newestEventSinceSync(events: SystemEvent[], lastSync: string | undefined, syncFailing: boolean) {
  const syncedAt = lastSync && !syncFailing ? Date.parse(lastSync) : undefined;
  let newest: { event: SystemEvent; at: number } | undefined;
  for (const event of events) {
    const at = timeOf(event.date);
    if (syncedAt !== undefined && (at === undefined || at <= syncedAt)) continue;
    const sortAt = at ?? Number.NEGATIVE_INFINITY;
    if (!newest || sortAt > newest.at) newest = { event, at: sortAt };
  }
  return newest?.event;
}

function validReason(syncedFine: boolean, daysLeft: number | undefined): string {
  if (daysLeft === undefined) return t(syncedFine ? 'healthSyncedExpiryUnknown' : 'healthFineExpiryUnknown');
  return plural(syncedFine ? 'healthSyncedExpiresIn' : 'healthFineExpiresIn', daysLeft);
}

function nextStepFor(state: HealthState, location: string, site: AppleSite, otherMdm?: string): string | undefined {
  const siteName = appleSiteName(site);
  switch (state) {
    case 'revoked':
      return t('nextStepRevoked', location, siteName);
    case 'invalid':
    case 'expired':
      return t('nextStepDownload', location, siteName);
    case 'sync-failed':
      return t('nextStepSyncFailed', location, siteName);
    case 'other-mdm':
      return t('nextStepOtherMdm', otherMdm ?? t('theOtherMdm'), location, siteName);
    case 'expiring-soon':
      return t('nextStepExpiringSoon', location, siteName);
    default:
      return undefined;
  }
}

/** The badge's view: who needs attention, and the soonest expiry within the reminder window. */
export function toTokenWatch(health: TokenHealth[], reminderWindowDays: number): TokenWatch {
  const unhealthy = health.filter((h) => isUnhealthy(h.state)).map((h) => h.locationName);
  let soonest: TokenWatch['soonest'];
  for (const h of health) {
    if (h.state !== 'expiring-soon' || h.daysLeft === undefined || h.daysLeft > reminderWindowDays) continue;
    if (!soonest || h.daysLeft < soonest.daysLeft) soonest = { locationName: h.locationName, daysLeft: h.daysLeft };
  }
  return soonest ? { unhealthy, soonest } : { unhealthy };
}

const normalName = (name: string | null | undefined) => name?.trim().toLowerCase() ?? '';

/** Milliseconds since the epoch; accepts Apple's `+0000` offsets. */
function timeOf(text: string | null | undefined): number | undefined {
  const trimmed = text?.trim();
  if (!trimmed) return undefined;
  const time = Date.parse(trimmed.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isFinite(time) ? time : undefined;
}

function isoOf(text: string | null | undefined): string | undefined {
  const time = timeOf(text);
  return time === undefined ? undefined : new Date(time).toISOString();
}

/** Addigy's words, fit for the popup: one line, short, any long base64 run (a token) removed. */
function showableWords(text: string): string {
  const cleaned = redactBase64Runs(text).replace(/\s+/g, ' ').trim();
  return cleaned.length > 160 ? `${cleaned.slice(0, 159)}…` : cleaned;
}
