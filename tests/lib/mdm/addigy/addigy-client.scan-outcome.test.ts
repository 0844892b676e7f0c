import { describe, expect, it } from 'vitest';
import { addigyTokenSchema, describeScanOutcome, tokenExpiry, type AddigyToken } from '../../../../lib/mdm/addigy';
import tokenSyncFailedExpired from '../../../fixtures/addigy/token-sync-failed-expired.json';
import tokenSyncFailedRevoked from '../../../fixtures/addigy/token-sync-failed-revoked.json';
import tokenSyncSucceeded from '../../../fixtures/addigy/token-sync-succeeded.json';
import tokenSyncing from '../../../fixtures/addigy/token-syncing.json';
import tokensList from '../../../fixtures/addigy/tokens-list.json';

/** Fixtures go through the same schema as Addigy's answers do. */
const token = (raw: unknown, overrides: Record<string, unknown> = {}): AddigyToken =>
  addigyTokenSchema.parse({ ...(raw as object), ...overrides });

// The moment Addigy's console saved the renewal: the fixtures' successful sync (10:00:05) came after it.
const RENEWED_AT = new Date('2025-06-03T10:00:00Z');

describe('describeScanOutcome', () => {
  it('is syncing while Addigy says so, whatever the last status', () => {
    expect(describeScanOutcome(token(tokenSyncing), RENEWED_AT)).toEqual({ state: 'syncing' });
    expect(describeScanOutcome(token(tokenSyncFailedExpired, { syncing: true }), RENEWED_AT)).toEqual({ state: 'syncing' });
  });

  it('succeeds when the last sync succeeded after the renewal, and gives its time', () => {
    expect(describeScanOutcome(token(tokenSyncSucceeded), RENEWED_AT)).toEqual({
      state: 'success',
      lastSync: '2025-06-03T10:00:05.123Z',
    });
  });

  it('reads lastSync with an offset, including Apple’s +0000 form', () => {
    const outcome = describeScanOutcome(token(tokenSyncSucceeded, { lastSync: '2025-06-03T12:30:00+0200' }), RENEWED_AT);
    expect(outcome).toEqual({ state: 'success', lastSync: '2025-06-03T10:30:00.000Z' });
  });

  it.each([
    ['a success from before the renewal', '2025-06-01T08:00:00Z'],
    ['a success at the very moment of the renewal', '2025-06-03T10:00:00Z'],
    ['no lastSync', null],
    ['a lastSync that is not a date', 'yesterday'],
    ['a lastSync without a zone', '2025-06-03T11:00:00'],
  ])('is unknown (keep polling) for %s', (_name, lastSync) => {
    expect(describeScanOutcome(token(tokenSyncSucceeded, { lastSync }), RENEWED_AT)).toEqual({ state: 'unknown' });
  });

  it.each([null, '', 'pending'])('is unknown when the status is %j', (lastSyncingStatus) => {
    expect(describeScanOutcome(token(tokenSyncSucceeded, { lastSyncingStatus }), RENEWED_AT)).toEqual({ state: 'unknown' });
  });

  it('"Error syncing token": the token is still not valid; download a fresh one', () => {
    const outcome = describeScanOutcome(token(tokenSyncFailedExpired), RENEWED_AT);
    expect(outcome).toEqual({
      state: 'error',
      problem: {
        kind: 'scan-failed',
        message: 'Addigy could not sync with this token: it is still not valid.',
        nextStep: 'Download a fresh token and send it again.',
      },
      detail: 'Bad status response[400]: "Error syncing token"',
    });
  });

  it('9625: the token was revoked, and why that happens', () => {
    const outcome = describeScanOutcome(token(tokenSyncFailedRevoked), RENEWED_AT);
    if (outcome.state !== 'error') throw new Error(`expected error, got ${outcome.state}`);
    expect(outcome.problem.kind).toBe('scan-failed');
    expect(outcome.problem.message).toMatch(/revoked/);
    expect(outcome.problem.message).toMatch(/newer token/);
    expect(outcome.problem.message).toMatch(/password/);
    expect(outcome.problem.nextStep).toMatch(/Download a fresh token/);
    expect(outcome.detail).toBe('401 - error while retrieving token assets || 9625 - The server has revoked the sToken.');
  });

  it('"revoked" without the number is still revocation', () => {
    const outcome = describeScanOutcome(token(tokenSyncFailedRevoked, { errMsg: 'token revoked by Apple' }), RENEWED_AT);
    expect(outcome.state === 'error' && outcome.problem.message).toMatch(/revoked/);
  });

  it('any other error: generic guidance, with Addigy’s text as detail', () => {
    const outcome = describeScanOutcome(token(tokenSyncFailedExpired, { errMsg: 'upstream timeout after 30s' }), RENEWED_AT);
    if (outcome.state !== 'error') throw new Error(`expected error, got ${outcome.state}`);
    expect(outcome.problem.message).toBe('Addigy could not sync with this token.');
    expect(outcome.problem.nextStep).toMatch(/Scan Now/);
    expect(outcome.detail).toBe('upstream timeout after 30s');
  });

  it('an error with no text still says what to do', () => {
    const outcome = describeScanOutcome(token(tokenSyncFailedExpired, { errMsg: null }), RENEWED_AT);
    if (outcome.state !== 'error') throw new Error(`expected error, got ${outcome.state}`);
    expect(outcome.detail).toBe('');
    expect(outcome.problem.nextStep).not.toBe('');
  });

  it('redacts secrets and long base64 runs from Addigy’s text, and caps it', () => {
    const tokenText = btoa(JSON.stringify({ token: 'abc', expDate: '2026-01-01T00:00:00Z', orgName: 'Example School' }));
    const errMsg = `sync failed for ${tokenText} with ${'x'.repeat(10)} and ${'Q'.repeat(80)} ${'more '.repeat(100)}`;
    const outcome = describeScanOutcome(token(tokenSyncFailedExpired, { errMsg }), RENEWED_AT, [tokenText]);
    if (outcome.state !== 'error') throw new Error(`expected error, got ${outcome.state}`);
    expect(outcome.detail).not.toContain(tokenText);
    expect(outcome.detail).not.toContain('Q'.repeat(40));
    expect(outcome.detail).toContain('sync failed for');
    expect(outcome.detail.length).toBeLessThanOrEqual(300);
  });
});

describe('tokenExpiry', () => {
  it('reads clientConfig.tokenExpirationDate in Apple’s +0000 form', () => {
    expect(tokenExpiry(token((tokensList as unknown[])[0]))).toBe('2025-11-08T22:33:22.000Z');
  });

  it.each([
    ['2026-11-08T22:33:22Z', '2026-11-08T22:33:22.000Z'],
    ['2026-11-08T22:33:22.5+02:00', '2026-11-08T20:33:22.500Z'],
    ['2026-11-08', '2026-11-08T00:00:00.000Z'],
  ])('accepts %s', (tokenExpirationDate, expected) => {
    expect(tokenExpiry(token({ locationId: 'l', clientConfig: { tokenExpirationDate } }))).toBe(expected);
  });

  it.each(['', 'next year', '2026-11-08T22:33:22', '08/11/2026', '2026-13-45T99:99:99Z', null])(
    'is undefined for %j',
    (tokenExpirationDate) => {
      expect(tokenExpiry(token({ locationId: 'l', clientConfig: { tokenExpirationDate } }))).toBeUndefined();
    },
  );

  it('prefers the top-level expDate over clientConfig.tokenExpirationDate', () => {
    const both = token({ locationId: 'l', expDate: '2027-03-01T10:00:00+0000', clientConfig: { tokenExpirationDate: '2026-03-01T10:00:00+0000' } });
    expect(tokenExpiry(both)).toBe('2027-03-01T10:00:00.000Z');
  });

  it('reads expDate alone, in Apple’s +0000 form, without any clientConfig', () => {
    expect(tokenExpiry(token({ locationId: 'l', expDate: '2027-03-01T10:00:00+0000' }))).toBe('2027-03-01T10:00:00.000Z');
    expect(tokenExpiry(token({ locationId: 'l', expDate: '2027-03-01T12:00:00+02:00', clientConfig: null }))).toBe('2027-03-01T10:00:00.000Z');
  });

  it.each([null, '', 'soon', '2027-03-01T10:00:00'])('falls back to clientConfig.tokenExpirationDate when expDate is %j', (expDate) => {
    const fallback = token({ locationId: 'l', expDate, clientConfig: { tokenExpirationDate: '2026-03-01T10:00:00+0000' } });
    expect(tokenExpiry(fallback)).toBe('2026-03-01T10:00:00.000Z');
  });

  it('is undefined when neither expDate nor clientConfig.tokenExpirationDate is a valid date', () => {
    expect(tokenExpiry(token({ locationId: 'l', expDate: 'soon', clientConfig: { tokenExpirationDate: 'later' } }))).toBeUndefined();
  });

  it('is undefined when the field or the whole clientConfig is missing (Addigy’s published model has no expiry)', () => {
    expect(tokenExpiry(token((tokensList as unknown[])[1]))).toBeUndefined();
    expect(tokenExpiry(token({ locationId: 'l' }))).toBeUndefined();
    expect(tokenExpiry(token({ locationId: 'l', clientConfig: null }))).toBeUndefined();
  });
});
