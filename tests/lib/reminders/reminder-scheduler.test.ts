import { describe, expect, it } from 'vitest';
import { addigyTokenSchema } from '../../../lib/mdm/addigy/schemas';
import type { TokenHealth } from '../../../lib/health/health-state';
import { deriveTokenHealth } from '../../../lib/health/token-health';
import {
  dueReminders,
  emptyReminderLedger,
  parseReminderId,
  reminderLedgerSchema,
  type ReminderLedger,
} from '../../../lib/reminders/reminder-scheduler';

const DAY = 86_400_000;
const START = new Date('2026-01-01T09:00:00Z');
const EXPIRY = new Date(START.getTime() + 40 * DAY).toISOString();
const THRESHOLDS = [30, 14, 7, 1];

/** The token as the health module would describe it `daysLeft` days before EXPIRY. */
function health(daysLeft: number, overrides: Partial<TokenHealth> = {}): TokenHealth {
  return {
    locationId: 'loc-main',
    locationName: 'Main Campus',
    orgName: 'Acme Corp',
    websiteURL: 'https://business.apple.com',
    expiresAt: EXPIRY,
    expirySource: 'addigy',
    daysLeft,
    state: daysLeft <= 0 ? 'expired' : daysLeft <= 30 ? 'expiring-soon' : 'valid',
    reason: 'The token expires soon.',
    ...overrides,
  };
}
const dayWith = (daysLeft: number) => new Date(Date.parse(EXPIRY) - daysLeft * DAY);

/** One watch run, with the ledger surviving a service-worker restart (JSON through storage). */
function run(ledger: ReminderLedger, entries: TokenHealth[], options: { now?: Date; snoozedUntil?: Record<string, string>; thresholds?: number[] } = {}) {
  const restored = reminderLedgerSchema.parse(JSON.parse(JSON.stringify(ledger)));
  return dueReminders({
    health: entries,
    thresholds: options.thresholds ?? THRESHOLDS,
    sent: restored,
    snoozedUntil: options.snoozedUntil ?? {},
    now: options.now ?? dayWith(entries[0]?.daysLeft ?? 0),
  });
}

describe('dueReminders: expiry thresholds', () => {
  it('fires only the smallest threshold crossed, and marks the larger ones passed', () => {
    const { reminders, ledger } = run(emptyReminderLedger(), [health(6)]);
    expect(reminders).toEqual([
      {
        id: 'token-relay-reminder:loc-main:expiry-7',
        locationId: 'loc-main',
        title: 'Main Campus: token expires in 6 days',
        message:
          'The Apps and Books token for Main Campus (Acme Corp) expires in 6 days. Download a fresh one in Apple Business Manager and send it to Addigy.',
        url: 'https://business.apple.com/#/main/preferences/paymentsandbilling/appsandbooks',
      },
    ]);
    expect(ledger.tokens['loc-main']).toEqual({ expiresAt: EXPIRY, sent: [7], passed: [14, 30] });
  });

  it('fires each threshold once, across restarts, as the days go by', () => {
    let ledger = emptyReminderLedger();
    const fired: string[] = [];
    for (let daysLeft = 40; daysLeft >= 1; daysLeft--) {
      // Two runs a day (alarm + browser start): the second must stay quiet.
      for (let i = 0; i < 2; i++) {
        const result = run(ledger, [health(daysLeft)]);
        fired.push(...result.reminders.map((r) => `${daysLeft}:${r.id.split(':').pop()}`));
        ledger = result.ledger;
      }
    }
    expect(fired).toEqual(['30:expiry-30', '14:expiry-14', '7:expiry-7', '1:expiry-1']);
  });

  it('uses the school site for school tokens', () => {
    const { reminders } = run(emptyReminderLedger(), [health(10, { websiteURL: 'https://school.apple.com' })]);
    expect(reminders[0]?.url).toBe('https://school.apple.com/#/main/preferences/paymentsandbilling/appsandbooks');
    expect(reminders[0]?.message).toMatch(/Apple School Manager/);
  });

  it('starts over when the token is renewed (its expiry moves later)', () => {
    const first = run(emptyReminderLedger(), [health(6)]);
    const renewedExpiry = new Date(Date.parse(EXPIRY) + 365 * DAY).toISOString();
    const afterRenewal = run(first.ledger, [health(371, { expiresAt: renewedExpiry, state: 'valid' })], { now: dayWith(6) });
    expect(afterRenewal.reminders).toEqual([]);
    expect(afterRenewal.ledger.tokens['loc-main']).toEqual({ expiresAt: renewedExpiry, sent: [], passed: [] });
    // A year later, the same thresholds fire again.
    const nextYear = run(afterRenewal.ledger, [health(7, { expiresAt: renewedExpiry })], { now: new Date(Date.parse(renewedExpiry) - 7 * DAY) });
    expect(nextYear.reminders.map((r) => r.id)).toEqual(['token-relay-reminder:loc-main:expiry-7']);
  });

  it('does not mistake a few hours’ difference between expiry sources for a renewal', () => {
    const first = run(emptyReminderLedger(), [health(6)]);
    const shifted = new Date(Date.parse(EXPIRY) + 3 * 3_600_000).toISOString();
    expect(run(first.ledger, [health(6, { expiresAt: shifted })]).reminders).toEqual([]);
  });

  it('tolerates messy thresholds from Options', () => {
    const { reminders, ledger } = run(emptyReminderLedger(), [health(6)], { thresholds: [7, 30, 7, 0, -1, Number.NaN, 14] });
    expect(reminders.map((r) => r.id)).toEqual(['token-relay-reminder:loc-main:expiry-7']);
    expect(ledger.tokens['loc-main']?.passed).toEqual([14, 30]);
  });

  it('stays quiet for tokens outside every threshold or with an unknown expiry', () => {
    expect(run(emptyReminderLedger(), [health(31)]).reminders).toEqual([]);
    const unknown = health(5, { expiresAt: undefined, daysLeft: undefined, expirySource: 'unknown', state: 'valid' });
    expect(run(emptyReminderLedger(), [unknown], { now: START }).reminders).toEqual([]);
  });

  it('does not change the ledger it was given', () => {
    const ledger = emptyReminderLedger();
    const frozen = JSON.stringify(ledger);
    dueReminders({ health: [health(6)], thresholds: THRESHOLDS, sent: ledger, snoozedUntil: {}, now: dayWith(6) });
    expect(JSON.stringify(ledger)).toBe(frozen);
  });
});

describe('dueReminders: snooze', () => {
  it('sends nothing while a token is snoozed, and only the current threshold afterwards', () => {
    const snoozedUntil = { 'loc-main': dayWith(3).toISOString() };
    let ledger = emptyReminderLedger();
    for (const daysLeft of [35, 30, 20, 14, 10, 7, 4]) {
      const result = run(ledger, [health(daysLeft)], { snoozedUntil });
      expect(result.reminders).toEqual([]);
      ledger = result.ledger;
    }
    const after = run(ledger, [health(3)], { snoozedUntil });
    expect(after.reminders.map((r) => r.id)).toEqual(['token-relay-reminder:loc-main:expiry-7']);
    expect(after.ledger.tokens['loc-main']).toMatchObject({ sent: [7], passed: [14, 30] });
    expect(run(after.ledger, [health(2)], { snoozedUntil }).reminders).toEqual([]);
  });

  it('snoozes one token only', () => {
    const other = health(6, { locationId: 'loc-other', locationName: 'Warehouse' });
    const { reminders } = run(emptyReminderLedger(), [health(6), other], { snoozedUntil: { 'loc-main': dayWith(1).toISOString() } });
    expect(reminders.map((r) => r.locationId)).toEqual(['loc-other']);
  });

  it('still announces a new failure: it is news, not a reminder', () => {
    const { reminders } = run(emptyReminderLedger(), [health(6, { state: 'revoked', reason: 'Apple revoked it.' })], {
      snoozedUntil: { 'loc-main': dayWith(1).toISOString() },
    });
    expect(reminders.map((r) => r.id)).toEqual(['token-relay-reminder:loc-main:state-revoked']);
  });
});

describe('dueReminders: failures', () => {
  const revoked = (daysLeft = 200) =>
    health(daysLeft, { state: 'revoked', reason: 'Apple answered that this token has been revoked.', nextStep: 'Download a fresh token.' });

  it('announces a newly revoked token once while it stays revoked', () => {
    const first = run(emptyReminderLedger(), [revoked()]);
    expect(first.reminders).toEqual([
      {
        id: 'token-relay-reminder:loc-main:state-revoked',
        locationId: 'loc-main',
        title: 'Token revoked: Main Campus',
        message: 'Apple answered that this token has been revoked. Download a fresh token.',
        url: 'https://business.apple.com/#/main/preferences/paymentsandbilling/appsandbooks',
      },
    ]);
    expect(run(first.ledger, [revoked()]).reminders).toEqual([]);
  });

  it('announces again after a recovery and a new failure, but not after a sync that proves nothing', () => {
    let { ledger } = run(emptyReminderLedger(), [revoked()]);
    ledger = run(ledger, [health(200, { state: 'syncing' })]).ledger;
    expect(run(ledger, [revoked()]).reminders).toEqual([]);
    ledger = run(ledger, [health(200, { state: 'valid' })]).ledger;
    expect(ledger.tokens['loc-main']?.problem).toBeUndefined();
    const again = run(ledger, [health(200, { state: 'sync-failed', reason: 'Addigy’s last sync failed.' })]);
    expect(again.reminders.map((r) => r.title)).toEqual(['Token sync failed: Main Campus']);
  });

  it('announces a failure that gets more serious, not one that reads milder', () => {
    let { ledger } = run(emptyReminderLedger(), [health(200, { state: 'sync-failed' })]);
    const worse = run(ledger, [revoked()]);
    expect(worse.reminders.map((r) => r.title)).toEqual(['Token revoked: Main Campus']);
    ledger = worse.ledger;
    expect(run(ledger, [health(200, { state: 'sync-failed' })]).reminders).toEqual([]);
  });

  it('announces expired and invalid tokens, and sends no expiry reminders for dead tokens', () => {
    const expired = run(emptyReminderLedger(), [health(-1, { state: 'expired' })]);
    expect(expired.reminders.map((r) => r.title)).toEqual(['Token expired: Main Campus']);
    expect(expired.ledger.tokens['loc-main']?.passed).toEqual([1, 7, 14, 30]);
    const invalid = run(emptyReminderLedger(), [health(5, { state: 'invalid' })]);
    expect(invalid.reminders.map((r) => r.title)).toEqual(['Token no longer valid: Main Campus']);
  });

  it('sends both when a failing token also crosses a threshold', () => {
    const { reminders } = run(emptyReminderLedger(), [health(6, { state: 'sync-failed' })]);
    expect(reminders.map((r) => r.id.split(':').pop())).toEqual(['state-sync-failed', 'expiry-7']);
  });

  it('carries no token text from Addigy’s words into a notification', () => {
    const secret = 'eyJ0b2tlbiI6IkFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFla' + 'Q'.repeat(60);
    const [h] = deriveTokenHealth({
      tokens: [
        addigyTokenSchema.parse({
          locationId: 'loc-main',
          lastSyncingStatus: 'error',
          errMsg: `upstream said ${secret}`,
          clientConfig: { locationName: 'Main Campus' },
        }),
      ],
      events: [],
      now: START,
      reminderWindowDays: 30,
    });
    const { reminders } = run(emptyReminderLedger(), [h!], { now: START });
    expect(reminders).toHaveLength(1);
    expect(JSON.stringify(reminders)).not.toContain(secret.slice(0, 24));
  });
});

describe('parseReminderId', () => {
  it('finds the token behind a reminder, whatever its id holds', () => {
    const [r] = run(emptyReminderLedger(), [health(6, { locationId: 'loc:odd/ü id' })]).reminders;
    expect(parseReminderId(r!.id)).toEqual({ locationId: 'loc:odd/ü id' });
    expect(parseReminderId('something-else')).toBeUndefined();
    expect(parseReminderId('token-relay-reminder:%E0%A4%A:expiry-7')).toBeUndefined();
  });
});
