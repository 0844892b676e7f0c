import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { resetTokenRelayDbForTests } from '../../../lib/storage/database';
import { isAddigyBaseUrlAllowed } from '../../../lib/mdm/addigy/addigy-host';
import {
  DEFAULT_SETTINGS,
  loadSettings,
  migrateLocalSettings,
  saveSettings,
} from '../../../lib/storage/settings';

const EU = 'https://api.eu.addigy.com/api/v2';

/** What a content script can do: write storage.local. */
const writeLocalAsContentScript = (value: unknown) => fakeBrowser.storage.local.set({ settings: value });
const localSettings = async () => (await fakeBrowser.storage.local.get('settings')).settings as Record<string, unknown> | undefined;

describe('settings that steer secrets', () => {
  beforeEach(async () => {
    await resetTokenRelayDbForTests();
  });

  it('keeps the Addigy address out of storage.local, so a content script cannot steer the key', async () => {
    await saveSettings({ addigyBaseUrl: EU, appleVerification: false });
    expect(await localSettings()).toEqual({ appleVerification: false, reminderDays: DEFAULT_SETTINGS.reminderDays });

    await writeLocalAsContentScript({ addigyBaseUrl: 'https://attacker.example/api/v2', appleVerification: false, reminderDays: [1] });
    expect(await loadSettings()).toEqual({ addigyBaseUrl: EU, appleVerification: false, reminderDays: [1] });
  });

  it('falls back to safe preferences when storage.local holds junk', async () => {
    await writeLocalAsContentScript({ appleVerification: 'no', reminderDays: ['x'] });
    expect(await loadSettings()).toEqual(DEFAULT_SETTINGS);
  });

  it('moves a granted address from storage.local once, and drops the old value', async () => {
    await writeLocalAsContentScript({ addigyBaseUrl: `${EU}/`, appleVerification: false, reminderDays: [7] });
    await migrateLocalSettings(async (url) => url === EU);
    expect(await loadSettings()).toEqual({ addigyBaseUrl: EU, appleVerification: false, reminderDays: [7] });
    expect(await localSettings()).toEqual({ appleVerification: false, reminderDays: [7] });

    // One time only: a value planted later is never read.
    await writeLocalAsContentScript({ addigyBaseUrl: 'https://prod.addigy.com/api/v2', appleVerification: true, reminderDays: [7] });
    await migrateLocalSettings(async () => true);
    expect((await loadSettings()).addigyBaseUrl).toBe(EU);
  });

  it('does not migrate a granted host that is not Addigy’s: the default stays, the preferences move', async () => {
    // The user granted a Jamf Pro server for a connection; a planted storage.local address names it.
    await writeLocalAsContentScript({ addigyBaseUrl: 'https://acme.jamfcloud.com/api/v2', appleVerification: false, reminderDays: [14, 3] });
    await migrateLocalSettings((url) => isAddigyBaseUrlAllowed(url, async () => true));
    expect(await loadSettings()).toEqual({ addigyBaseUrl: DEFAULT_SETTINGS.addigyBaseUrl, appleVerification: false, reminderDays: [14, 3] });
    expect(await localSettings()).toEqual({ appleVerification: false, reminderDays: [14, 3] });
  });

  it('still migrates a granted Addigy host through the same check', async () => {
    await writeLocalAsContentScript({ addigyBaseUrl: `${EU}/`, appleVerification: true, reminderDays: [7] });
    await migrateLocalSettings((url) => isAddigyBaseUrlAllowed(url, async (origin) => origin === 'https://api.eu.addigy.com/*'));
    expect((await loadSettings()).addigyBaseUrl).toBe(EU);
  });

  it('does not migrate an address the user never granted', async () => {
    await writeLocalAsContentScript({ addigyBaseUrl: 'https://attacker.example/api/v2', appleVerification: true, reminderDays: [30] });
    await migrateLocalSettings(async () => false);
    expect((await loadSettings()).addigyBaseUrl).toBe(DEFAULT_SETTINGS.addigyBaseUrl);
    expect(await localSettings()).not.toHaveProperty('addigyBaseUrl');
  });
});
