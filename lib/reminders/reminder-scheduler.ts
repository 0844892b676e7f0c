import * as z from 'zod/mini';
import {
  appleSiteName,
  contentTokensPage,
  HEALTH_PRIORITY,
  isUnhealthy,
  type HealthState,
  type TokenHealth,
} from '../health/health-state';
import { plural, t, type MessageKey } from '../i18n/messages';

/**
 * What has been said about each token, so each threshold and each new failure is announced once,
 * across service-worker restarts. Plain JSON.
 */
export const reminderLedgerSchema = z.object({
  tokens: z.record(
    z.string(),
    z.object({
      /** The expiry the thresholds below refer to; a later one means the token was renewed. */
      expiresAt: z.optional(z.string()),
      /** Thresholds (days) announced. */
      sent: z.array(z.number()),
      /** Thresholds crossed without a notification, because a smaller one was due at the same time. */
      passed: z.array(z.number()),
      /** The unhealthy state last announced; cleared when the token recovers. */
      problem: z.optional(z.string()),
    }),
  ),
});
export type ReminderLedger = z.infer<typeof reminderLedgerSchema>;
type LedgerEntry = ReminderLedger['tokens'][string];

export const emptyReminderLedger = (): ReminderLedger => ({ tokens: {} });

export interface Reminder {
  /** Stable: the same news about the same token always has the same id (see parseReminderId). */
  id: string;
  locationId: string;
  title: string;
  /** Plain words; never token text. */
  message: string;
  /** The Apple page where a fresh token is downloaded. */
  url: string;
}

export interface DueRemindersInput {
  health: TokenHealth[];
  /** Days before expiry, e.g. [30, 14, 7, 1]. */
  thresholds: number[];
  sent: ReminderLedger;
  /** ISO end of each snoozed token's quiet time, by locationId. */
  snoozedUntil: Record<string, string>;
  now: Date;
}

/** An expiry moving later by more than this is a renewal, not a rounding difference between sources. */
const RENEWAL_MIN_SHIFT_MS = 86_400_000;

/** States in which the expiry no longer matters: the token must be replaced anyway. */
const BEYOND_EXPIRY: readonly HealthState[] = ['revoked', 'invalid', 'expired'];

/**
 * Which notifications are due now, and the ledger to save afterwards (the input is not changed).
 * - Expiry: once per token per threshold, only the smallest threshold crossed (6 days left with
 *   30/14/7/1 → the 7-day reminder; 30 and 14 are marked passed). A renewal starts over.
 * - Failure (revoked, invalid, expired, sync failed): once when it appears or gets more serious;
 *   again only after the token has recovered and failed anew.
 * - Snooze silences expiry reminders; thresholds crossed meanwhile are not made up afterwards,
 *   only the current one fires. A new failure is news, not a reminder, so it still fires.
 */
export function dueReminders(input: DueRemindersInput): { reminders: Reminder[]; ledger: ReminderLedger } {
  const thresholds = [...new Set(input.thresholds.filter((t) => Number.isFinite(t) && t > 0))].sort((a, b) => a - b);
  const ledger: ReminderLedger = { tokens: {} };
  for (const [id, entry] of Object.entries(input.sent.tokens)) ledger.tokens[id] = copyEntry(entry);
  const reminders: Reminder[] = [];

  for (const health of input.health) {
    const entry = ledger.tokens[health.locationId] ?? { sent: [], passed: [] };
    ledger.tokens[health.locationId] = entry;

    if (health.expiresAt) {
      if (entry.expiresAt && Date.parse(health.expiresAt) - Date.parse(entry.expiresAt) > RENEWAL_MIN_SHIFT_MS) {
        entry.sent = [];
        entry.passed = [];
      }
      entry.expiresAt = health.expiresAt;
    }

    if (isUnhealthy(health.state)) {
      const before = entry.problem as HealthState | undefined;
      if (!before || !isUnhealthy(before) || rank(health.state) < rank(before)) {
        reminders.push(stateReminder(health));
        entry.problem = health.state;
      }
    } else if (health.state !== 'syncing') {
      // A sync under way proves nothing yet; any other state means the failure is over.
      delete entry.problem;
    }

    if (health.daysLeft === undefined) continue;
    const crossed = thresholds.filter((t) => health.daysLeft! <= t);
    const done = (t: number) => entry.sent.includes(t) || entry.passed.includes(t);
    if (BEYOND_EXPIRY.includes(health.state)) {
      entry.passed.push(...crossed.filter((t) => !done(t)));
      continue;
    }
    const current = crossed[0];
    if (current === undefined || isSnoozed(input.snoozedUntil[health.locationId], input.now)) continue;
    if (!done(current)) {
      reminders.push(expiryReminder(health, current));
      entry.sent.push(current);
    }
    entry.passed.push(...crossed.filter((t) => !done(t)));
  }
  return { reminders, ledger };
}

const rank = (state: HealthState) => HEALTH_PRIORITY.indexOf(state);

function isSnoozed(until: string | undefined, now: Date): boolean {
  const end = until ? Date.parse(until) : Number.NaN;
  return Number.isFinite(end) && end > now.getTime();
}

function copyEntry(entry: LedgerEntry): LedgerEntry {
  return { ...entry, sent: [...entry.sent], passed: [...entry.passed] };
}

const STATE_TITLES: Partial<Record<HealthState, MessageKey>> = {
  revoked: 'reminderTokenRevoked',
  invalid: 'reminderTokenInvalid',
  expired: 'reminderTokenExpired',
  'sync-failed': 'reminderTokenSyncFailed',
};

function stateReminder(health: TokenHealth): Reminder {
  return {
    id: reminderId(health.locationId, `state-${health.state}`),
    locationId: health.locationId,
    title: t('reminderStateTitle', t(STATE_TITLES[health.state] ?? 'reminderTokenAttention'), locationIn(health)),
    message: (health.connectionName
      ? t('reminderStateMessageConnection', health.connectionName, health.reason, health.nextStep ?? '')
      : t('reminderStateMessage', health.reason, health.nextStep ?? '')
    ).trim(),
    url: contentTokensPage(health.websiteURL),
  };
}

function expiryReminder(health: TokenHealth, threshold: number): Reminder {
  const daysLeft = health.daysLeft ?? threshold;
  const when = plural('expiresWhen', daysLeft);
  const [site, mdm] = [appleSiteName(health.websiteURL), health.connectionName ?? 'Addigy'];
  return {
    id: reminderId(health.locationId, `expiry-${threshold}`),
    locationId: health.locationId,
    title: t('reminderExpiryTitle', locationIn(health), when),
    message: health.orgName
      ? t('reminderExpiryMessageOrganization', health.locationName, health.orgName, when, site, mdm)
      : t('reminderExpiryMessage', health.locationName, when, site, mdm),
    url: contentTokensPage(health.websiteURL),
  };
}

/** Each notification names its connection; the Addigy section's own connection is "Addigy", said in the message. */
const locationIn = (health: TokenHealth) =>
  health.connectionName ? t('locationInConnection', health.locationName, health.connectionName) : health.locationName;

const ID_PREFIX = 'token-relay-reminder';

const reminderId = (locationId: string, what: string) => `${ID_PREFIX}:${encodeURIComponent(locationId)}:${what}`;

/** The token a notification is about, from its id; undefined for other notifications. */
export function parseReminderId(id: string): { locationId: string } | undefined {
  const [prefix, location, what] = id.split(':');
  if (prefix !== ID_PREFIX || !location || !what) return undefined;
  try {
    return { locationId: decodeURIComponent(location) };
  } catch {
    return undefined;
  }
}
