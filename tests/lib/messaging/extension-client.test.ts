import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { readStoredSnapshot } from '../../../lib/messaging/extension-client';

const HEALTH = {
  locationId: 'loc-main',
  locationName: 'Main Campus',
  orgName: 'Acme Corp',
  websiteURL: 'https://business.apple.com',
  expirySource: 'addigy',
  expiresAt: '2027-01-01T00:00:00.000Z',
  daysLeft: 30,
  state: 'valid',
  reason: 'Valid.',
};

describe('readStoredSnapshot', () => {
  beforeEach(() => fakeBrowser.reset());
  afterEach(() => delete (globalThis as { tokenRelayEarlySnapshot?: unknown }).tokenRelayEarlySnapshot);

  it('reads the overview’s stored picture, from the read popup.html started early when there is one', async () => {
    await fakeBrowser.storage.local.set({ tokenSnapshot: { health: [HEALTH], fetchedAt: '2026-11-30T10:00:00.000Z' } });
    expect((await readStoredSnapshot())?.health.map((h) => h.locationName)).toEqual(['Main Campus']);
    (globalThis as { tokenRelayEarlySnapshot?: unknown }).tokenRelayEarlySnapshot = Promise.resolve({ health: [{ ...HEALTH, locationName: 'Early' }] });
    expect((await readStoredSnapshot())?.health.map((h) => h.locationName)).toEqual(['Early']);
  });

  it('shows nothing from a picture that does not parse (a content script can write storage.local)', async () => {
    await fakeBrowser.storage.local.set({ tokenSnapshot: { health: [{ ...HEALTH, state: 'fine' }] } });
    expect(await readStoredSnapshot()).toBeUndefined();
    await fakeBrowser.storage.local.set({ tokenSnapshot: '<img src=x onerror=alert(1)>' });
    expect(await readStoredSnapshot()).toBeUndefined();
    (globalThis as { tokenRelayEarlySnapshot?: unknown }).tokenRelayEarlySnapshot = Promise.reject(new Error('storage failed'));
    expect(await readStoredSnapshot()).toBeUndefined();
  });
});
