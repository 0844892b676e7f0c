import { describe, expect, it } from 'vitest';
import { addigyTokenSchema, systemEventSchema, type AddigyToken, type SystemEvent } from '../../../lib/mdm/addigy/schemas';
import {
  deriveTokenHealth,
  HEALTH_PRIORITY,
  toTokenWatch,
  type HealthState,
  type TokenHealthInput,
} from '../../../lib/health/token-health';
import systemEventsRevoked from '../../fixtures/addigy/system-events-token-revoked.json';
import tokensList from '../../fixtures/addigy/tokens-list.json';

const NOW = new Date('2026-03-01T12:00:00Z');
const DAY = 86_400_000;
const inDays = (n: number) => new Date(NOW.getTime() + n * DAY).toISOString();

/** A healthy Addigy token, 200 days from expiry, last synced yesterday; fields go through Addigy's schema. */
function token(overrides: Record<string, unknown> = {}, config: Record<string, unknown> = {}): AddigyToken {
  return addigyTokenSchema.parse({
    locationId: 'loc-main',
    active: true,
    inheritedFrom: '',
    orgName: 'Acme Corp',
    policyId: 'pol-root',
    lastSync: inDays(-1),
    lastSyncingStatus: 'success',
    errMsg: '',
    syncing: false,
    ...overrides,
    clientConfig: {
      uId: 'LOC-1001',
      locationName: 'Main Campus',
      websiteURL: 'https://business.apple.com',
      mdmInfo: { id: 'a1', name: 'Addigy', metadata: '' },
      tokenExpirationDate: inDays(200),
      ...config,
    },
  });
}

function event(overrides: Partial<SystemEvent> & { details?: string; status?: string } = {}): SystemEvent {
  const { details = '401 - error while retrieving token assets || 9625 - The server has revoked the sToken.', status = 'error', ...rest } =
    overrides;
  return systemEventSchema.parse({
    event_id: 'evt-1',
    level: 'error',
    date: inDays(-0.1),
    action_receiver: { identifier: 'loc-main', name: 'Main Campus' },
    action: { name: 'sync', details: 'Apps and Books token sync' },
    result: { status, details },
    ...rest,
  });
}

function derive(input: Partial<TokenHealthInput> = {}) {
  return deriveTokenHealth({ tokens: [token()], events: [], now: NOW, reminderWindowDays: 30, ...input });
}
const only = (input: Partial<TokenHealthInput> = {}) => {
  const health = derive(input);
  expect(health).toHaveLength(1);
  return health[0]!;
};

describe('deriveTokenHealth: each state', () => {
  it('is valid when Addigy synced fine and expiry is outside the window', () => {
    expect(only()).toEqual({
      locationId: 'loc-main',
      locationName: 'Main Campus',
      orgName: 'Acme Corp',
      websiteURL: 'https://business.apple.com',
      expiresAt: inDays(200),
      expirySource: 'addigy',
      daysLeft: 200,
      lastSync: inDays(-1),
      state: 'valid',
      reason: "Addigy's last sync succeeded, and the token expires in 200 days.",
    });
  });

  it('is expiring soon within the reminder window, with days rounded up', () => {
    const health = only({ tokens: [token({}, { tokenExpirationDate: inDays(5.5) })] });
    expect(health).toMatchObject({ state: 'expiring-soon', daysLeft: 6, reason: 'The token expires in 6 days.' });
    expect(health.nextStep).toMatch(/^Before it expires, download a fresh token for Main Campus in Apple Business Manager/);
    expect(only({ tokens: [token({}, { tokenExpirationDate: inDays(31) })] }).state).toBe('valid');
    expect(only({ tokens: [token({}, { tokenExpirationDate: inDays(30) })] }).state).toBe('expiring-soon');
  });

  it('is expired once the date has passed', () => {
    expect(only({ tokens: [token({}, { tokenExpirationDate: inDays(-3) })] })).toMatchObject({
      state: 'expired',
      daysLeft: -3,
      reason: 'The token expired 3 days ago.',
    });
    expect(only({ tokens: [token({}, { tokenExpirationDate: inDays(-0.2) })] })).toMatchObject({ state: 'expired', daysLeft: 0 });
  });

  it('is revoked when Addigy’s errMsg says 9625, even with a far-off expiry date (Fleet’s blind spot)', () => {
    const health = only({
      tokens: [
        token(
          { lastSyncingStatus: 'error', errMsg: '401 - error while retrieving token assets || 9625 - The server has revoked the sToken.' },
          { tokenExpirationDate: inDays(300) },
        ),
      ],
    });
    expect(health.state).toBe('revoked');
    expect(health.daysLeft).toBe(300);
    expect(health.reason).toMatch(/revoked/);
    expect(health.nextStep).toMatch(/Only the newest download works/);
  });

  it('is revoked when Addigy recorded a vpp-token event after the last successful sync', () => {
    // Addigy still shows the last sync as a success: only the event tells.
    const health = only({ events: [event({ date: inDays(-0.1) })] });
    expect(health.state).toBe('revoked');
    expect(health.reason).toMatch(/Addigy recorded that Apple has revoked the token/);
  });

  it('reads Addigy’s real system-event answer', () => {
    const parsed = systemEventsRevoked.items.map((item) => systemEventSchema.parse(item));
    const revokedToken = token(
      { locationId: '6a1f0c2e-4b7d-4c55-9a3e-1d2f3a4b5c6d', lastSync: '2025-06-01T08:00:00Z' },
      { locationName: 'Example School – Main Campus', websiteURL: 'https://school.apple.com', tokenExpirationDate: '2026-11-08T22:33:22+0000' },
    );
    const health = deriveTokenHealth({ tokens: [revokedToken], events: parsed, now: new Date('2025-06-03T00:00:00Z'), reminderWindowDays: 30 })[0]!;
    expect(health).toMatchObject({ state: 'revoked', websiteURL: 'https://school.apple.com', expiresAt: '2026-11-08T22:33:22.000Z' });
    expect(health.nextStep).toMatch(/Apple School Manager/);
  });

  it('ignores events older than the last successful sync: a later sync means it was fixed', () => {
    expect(only({ tokens: [token({ lastSync: inDays(-1) })], events: [event({ date: inDays(-2) })] }).state).toBe('valid');
    // An undated event cannot be shown to be newer.
    expect(only({ events: [event({ date: undefined })] }).state).toBe('valid');
  });

  it('lets a newer successful event clear an older failure', () => {
    const events = [event({ date: inDays(-0.5) }), event({ event_id: 'evt-2', date: inDays(-0.2), status: 'success', details: 'synced' })];
    expect(only({ tokens: [token({ lastSync: inDays(-3) })], events }).state).toBe('valid');
  });

  it('keeps counting older events while the last sync is failing', () => {
    const failing = token({ lastSync: inDays(-1), lastSyncingStatus: 'error', errMsg: 'Something odd' });
    expect(only({ tokens: [failing], events: [event({ date: inDays(-2) })] }).state).toBe('revoked');
  });

  it('matches events by receiver name only when that name belongs to one token', () => {
    const byName = event({ action_receiver: { identifier: 'some-other-id', name: 'main campus ' } });
    expect(only({ events: [byName] }).state).toBe('revoked');

    const twin = token({ locationId: 'loc-twin', orgName: 'Other Org' }, { uId: 'LOC-9' });
    const health = derive({ tokens: [token(), twin], events: [byName] });
    expect(health.map((h) => h.state)).toEqual(['valid', 'valid']);
  });

  it('never pins another token’s event on this one', () => {
    const other = token({ locationId: 'loc-other' }, { uId: 'LOC-2', locationName: 'Warehouse' });
    // Identifier says loc-other; the name is ours, but the identifier wins.
    const misleading = event({ action_receiver: { identifier: 'loc-other', name: 'Main Campus' } });
    const health = derive({ tokens: [token(), other], events: [misleading] });
    expect(health.find((h) => h.locationId === 'loc-main')?.state).toBe('valid');
    expect(health.find((h) => h.locationId === 'loc-other')?.state).toBe('revoked');
  });

  it('matches events by the location’s Apple uId as well', () => {
    expect(only({ events: [event({ action_receiver: { identifier: 'LOC-1001', name: null } })] }).state).toBe('revoked');
  });

  it('takes Apple’s errors, by uId', () => {
    expect(only({ appleProblems: { 'LOC-1001': 'revoked' } })).toMatchObject({ state: 'revoked', reason: 'Apple answered that this token has been revoked.' });
    expect(only({ appleProblems: { 'LOC-1001': 'invalid' } }).state).toBe('invalid');
    expect(only({ appleProblems: { 'LOC-1001': 'expired' } }).state).toBe('expired');
    expect(only({ appleProblems: { 'LOC-OTHER': 'revoked' } }).state).toBe('valid');
  });

  it('reads “Error syncing token” as invalid before the expiry date and expired after it', () => {
    const errMsg = 'Bad status response[400]: "Error syncing token"';
    const before = only({ tokens: [token({ lastSyncingStatus: 'error', errMsg }, { tokenExpirationDate: inDays(100) })] });
    expect(before.state).toBe('invalid');
    expect(before.reason).toMatch(/although its expiry date has not passed/);
    const after = only({ tokens: [token({ lastSyncingStatus: 'error', errMsg }, { tokenExpirationDate: inDays(-2) })] });
    expect(after).toMatchObject({ state: 'expired', reason: 'The token expired 2 days ago.' });
  });

  it('reads 9622 as invalid and 9621 as expired', () => {
    expect(only({ tokens: [token({ lastSyncingStatus: 'error', errMsg: '9622 - Invalid authentication token' })] }).state).toBe('invalid');
    expect(only({ tokens: [token({ lastSyncingStatus: 'error', errMsg: '9621 - token expired' })] }).state).toBe('expired');
  });

  it('is sync failed on any other failing sync, quoting Addigy without anything token-like', () => {
    const secret = 'eyJ0b2tlbiI6IkFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFla' + 'x'.repeat(40);
    const health = only({ tokens: [token({ lastSyncingStatus: 'error', errMsg: `Timeout talking to Apple for ${secret}` })] });
    expect(health.state).toBe('sync-failed');
    expect(health.reason).toMatch(/^Addigy's last sync failed: “Timeout talking to Apple for \[redacted\]”\.$/);
    expect(JSON.stringify(health)).not.toContain(secret.slice(0, 30));
    expect(health.nextStep).toMatch(/Scan Now/);
  });

  it('treats an errMsg as stale once the last sync succeeded', () => {
    expect(only({ tokens: [token({ lastSyncingStatus: 'success', errMsg: '9625 - The server has revoked the sToken.' })] }).state).toBe('valid');
  });

  it('is in use by another MDM when Apple’s mdmInfo names someone else', () => {
    const jamf = only({ tokens: [token({}, { mdmInfo: { id: 'j', name: 'Jamf Pro', metadata: 't' } })] });
    expect(jamf).toMatchObject({ state: 'other-mdm', reason: 'Apple says Jamf Pro manages this location, not Addigy.' });
    expect(jamf.nextStep).toMatch(/from Jamf Pro to Addigy/);
    expect(only({ tokens: [token({}, { mdmInfo: null })] }).state).toBe('valid');
    expect(only({ tokens: [token({}, { mdmInfo: { id: 'x', name: 'Addigy Inc.' } })] }).state).toBe('valid');
  });

  it('is syncing while Addigy syncs', () => {
    expect(only({ tokens: [token({ syncing: true })] })).toMatchObject({ state: 'syncing' });
  });
});

describe('deriveTokenHealth: priority', () => {
  // Each state's own signal, chosen so that any two can be combined on one token.
  const signals: Record<Exclude<HealthState, 'valid'>, (input: TokenHealthInput) => TokenHealthInput> = {
    revoked: (i) => ({ ...i, events: [event()] }),
    invalid: (i) => ({ ...i, appleProblems: { 'LOC-1001': 'invalid' } }),
    expired: (i) => ({ ...i, tokens: i.tokens.map((t) => withConfig(t, { tokenExpirationDate: inDays(-5) })) }),
    'sync-failed': (i) => ({ ...i, tokens: i.tokens.map((t) => ({ ...t, lastSyncingStatus: 'error', errMsg: 'Apple timed out' })) }),
    'other-mdm': (i) => ({ ...i, tokens: i.tokens.map((t) => withConfig(t, { mdmInfo: { id: 'j', name: 'Jamf Pro' } })) }),
    'expiring-soon': (i) => ({ ...i, tokens: i.tokens.map((t) => withConfig(t, { tokenExpirationDate: inDays(10) })) }),
    syncing: (i) => ({ ...i, tokens: i.tokens.map((t) => ({ ...t, syncing: true })) }),
  };
  const withConfig = (t: AddigyToken, config: Record<string, unknown>): AddigyToken => ({ ...t, clientConfig: { ...t.clientConfig, ...config } });
  const base: TokenHealthInput = { tokens: [token()], events: [], now: NOW, reminderWindowDays: 30 };
  const states = Object.keys(signals) as (keyof typeof signals)[];

  it('documents the order', () => {
    expect(HEALTH_PRIORITY).toEqual(['revoked', 'invalid', 'expired', 'sync-failed', 'other-mdm', 'expiring-soon', 'syncing', 'valid']);
  });

  it.each(states)('%s alone gives %s', (state) => {
    expect(deriveTokenHealth(signals[state](base))[0]?.state).toBe(state);
  });

  const pairs = states.flatMap((a, i) =>
    states.slice(i + 1).filter((b) => !(a === 'expired' && b === 'expiring-soon')).map((b) => [a, b] as const),
  );
  it.each(pairs)('%s beats %s', (higher, lower) => {
    expect(deriveTokenHealth(signals[lower](signals[higher](base)))[0]?.state).toBe(higher);
    expect(deriveTokenHealth(signals[higher](signals[lower](base)))[0]?.state).toBe(higher);
  });

  it('calls a revoked token with a far-off expiry date revoked', () => {
    const farOff = withConfig(token(), { tokenExpirationDate: inDays(360) });
    expect(deriveTokenHealth({ ...base, tokens: [farOff], events: [event()] })[0]?.state).toBe('revoked');
  });
});

describe('deriveTokenHealth: locations and expiry sources', () => {
  it('collapses inherited copies into the original (Addigy’s real list)', () => {
    const tokens = [...tokensList].reverse().map((raw) => addigyTokenSchema.parse(raw));
    const health = deriveTokenHealth({ tokens, events: [], now: new Date('2025-10-01T00:00:00Z'), reminderWindowDays: 30 });
    expect(health).toHaveLength(1);
    // Only the original copy carries the expiry and the last sync.
    expect(health[0]).toMatchObject({
      locationId: '6a1f0c2e-4b7d-4c55-9a3e-1d2f3a4b5c6d',
      expiresAt: '2025-11-08T22:33:22.000Z',
      expirySource: 'addigy',
      lastSync: '2025-06-01T08:00:00.000Z',
      websiteURL: 'https://school.apple.com',
    });
  });

  it('keeps one entry per location, in the order Addigy listed them', () => {
    const tokens = [token(), token({ locationId: 'loc-2' }, { uId: 'LOC-2', locationName: 'Warehouse' }), token({ inheritedFrom: 'pol-root', policyId: 'pol-child' })];
    expect(derive({ tokens }).map((h) => h.locationId)).toEqual(['loc-main', 'loc-2']);
  });

  it('takes the expiry of the last renewal made here when Addigy has none', () => {
    const noExpiry = token({}, { tokenExpirationDate: undefined });
    expect(only({ tokens: [noExpiry], lastRenewalExpiry: { 'loc-main': '2026-03-11T12:00:00+0000' } })).toMatchObject({
      expiresAt: '2026-03-11T12:00:00.000Z',
      expirySource: 'last-renewal',
      daysLeft: 10,
      state: 'expiring-soon',
    });
    // Addigy's own date wins when it has one.
    expect(only({ lastRenewalExpiry: { 'loc-main': inDays(3) } })).toMatchObject({ expirySource: 'addigy', daysLeft: 200 });
  });

  it('says unknown when neither has an expiry, and still judges the rest', () => {
    const health = only({ tokens: [token({}, { tokenExpirationDate: null })] });
    expect(health).toMatchObject({ expirySource: 'unknown', state: 'valid', reason: "Addigy's last sync succeeded, but the expiry date is unknown." });
    expect(health.expiresAt).toBeUndefined();
    expect(health.daysLeft).toBeUndefined();
  });

  it('links only to Apple’s two consoles', () => {
    expect(only({ tokens: [token({}, { websiteURL: 'https://school.apple.com/' })] }).websiteURL).toBe('https://school.apple.com');
    expect(only({ tokens: [token({}, { websiteURL: 'https://evil.example/school.apple.com' })] }).websiteURL).toBe('https://business.apple.com');
    expect(only({ tokens: [token({}, { websiteURL: null })] }).websiteURL).toBe('https://business.apple.com');
  });
});

describe('toTokenWatch', () => {
  const health = deriveTokenHealth({
    tokens: [
      token({ locationId: 'a' }, { uId: 'A', locationName: 'Revoked One' }),
      token({ locationId: 'b', lastSyncingStatus: 'error', errMsg: 'boom' }, { uId: 'B', locationName: 'Failing One' }),
      token({ locationId: 'c' }, { uId: 'C', locationName: 'Soon', tokenExpirationDate: inDays(12) }),
      token({ locationId: 'd' }, { uId: 'D', locationName: 'Sooner', tokenExpirationDate: inDays(4) }),
      token({ locationId: 'e' }, { uId: 'E', locationName: 'Fine' }),
      token({ locationId: 'f' }, { uId: 'F', locationName: 'Jamf', mdmInfo: { name: 'Jamf Pro' }, tokenExpirationDate: inDays(2) }),
      token({ locationId: 'g' }, { uId: 'G', locationName: 'Gone', tokenExpirationDate: inDays(-1) }),
    ],
    events: [],
    appleProblems: { A: 'revoked' },
    now: NOW,
    reminderWindowDays: 30,
  });

  it('lists the unhealthy tokens and the soonest expiring one', () => {
    expect(toTokenWatch(health, 30)).toEqual({
      unhealthy: ['Revoked One', 'Failing One', 'Gone'],
      soonest: { locationName: 'Sooner', daysLeft: 4 },
    });
  });

  it('has no soonest when nothing expires within the window', () => {
    expect(toTokenWatch(health, 3)).toEqual({ unhealthy: ['Revoked One', 'Failing One', 'Gone'] });
    expect(toTokenWatch([], 30)).toEqual({ unhealthy: [] });
  });
});
