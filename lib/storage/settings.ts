import { storage } from 'wxt/utils/storage';
import * as z from 'zod/mini';

import { DEFAULT_ADDIGY_BASE_URL } from '../mdm/mdm-kinds';
import { openTokenRelayDb } from './database';
import { normaliseServerAddress } from '../permissions/server-address';
import { loadAddigySectionUrl, loadConnection, PRIMARY_ADDIGY, saveAddigySectionUrl } from './connections';

export { DEFAULT_ADDIGY_BASE_URL };
export const DEFAULT_REMINDER_DAYS = [30, 14, 7, 1];

export const settingsSchema = z.object({
  addigyBaseUrl: z.string(),
  appleVerification: z.boolean(),
  reminderDays: z.array(z.number()),
});
export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = {
  addigyBaseUrl: DEFAULT_ADDIGY_BASE_URL,
  appleVerification: true,
  reminderDays: DEFAULT_REMINDER_DAYS,
};

/** Preferences that steer no secret. Anything deciding where a secret goes is in IndexedDB instead. */
const preferencesSchema = z.object({
  appleVerification: z.boolean(),
  reminderDays: z.array(z.number().check(z.int(), z.gte(0), z.lte(365))),
});
type Preferences = z.infer<typeof preferencesSchema>;

/** storage.local: a content script can write it, so nothing here may decide where the key or a token goes. */
export const settingsItem = storage.defineItem<Preferences>('local:settings', {
  fallback: { appleVerification: DEFAULT_SETTINGS.appleVerification, reminderDays: DEFAULT_SETTINGS.reminderDays },
  version: 1,
});

async function loadPreferences(): Promise<Preferences> {
  const parsed = preferencesSchema.safeParse(await settingsItem.getValue());
  return parsed.success ? parsed.data : { appleVerification: DEFAULT_SETTINGS.appleVerification, reminderDays: DEFAULT_SETTINGS.reminderDays };
}

/**
 * `addigyBaseUrl` is read from, and saved to, the connection `addigy` (the Addigy section's, in IndexedDB, which no
 * content script can open): it is part of Settings for the readers that still expect it there.
 */
export async function loadSettings(): Promise<Settings> {
  const [preferences, addigyBaseUrl] = await Promise.all([loadPreferences(), loadAddigySectionUrl()]);
  return { ...preferences, addigyBaseUrl };
}

/** Extension pages only (Options): the address goes to the connection `addigy`, the rest to storage.local. */
export async function saveSettings(patch: Partial<Settings>): Promise<Settings> {
  const { addigyBaseUrl, ...preferences } = { ...(await loadSettings()), ...patch };
  const url = normaliseBaseUrl(addigyBaseUrl);
  if (!url) throw new Error('saveSettings: the Addigy address must be a normalised https URL');
  if (patch.addigyBaseUrl !== undefined) await saveAddigySectionUrl(url);
  await settingsItem.setValue({ appleVerification: preferences.appleVerification, reminderDays: preferences.reminderDays });
  return { ...preferences, addigyBaseUrl: url };
}

/**
 * Once: an Addigy address that older versions kept in storage.local moves to IndexedDB, if it is the
 * default host or one the user granted, and is dropped from storage.local either way.
 */
export async function migrateLocalSettings(hostGranted: (baseUrl: string) => Promise<boolean>): Promise<void> {
  const db = await openTokenRelayDb();
  if (await db.get('secrets', 'localSettingsMigrated')) return;
  const raw: unknown = await settingsItem.getValue();
  if (raw && typeof raw === 'object' && 'addigyBaseUrl' in raw) {
    const old = typeof raw.addigyBaseUrl === 'string' ? normaliseBaseUrl(raw.addigyBaseUrl) : undefined;
    const already = (await loadConnection(PRIMARY_ADDIGY.id))?.connection.serverUrl;
    if (old && !already && (await hostGranted(old))) await saveAddigySectionUrl(old);
    await settingsItem.setValue(await loadPreferences());
  }
  await db.put('secrets', 'yes', 'localSettingsMigrated');
}

/**
 * The Addigy base URL: https, a plain DNS host name (no `*`, no IP address), an optional port, no credentials, no
 * query; returns it without a trailing slash, or undefined. Whether the host is Addigy's is checked apart
 * (`isAddigyHost`), so Options can say which is wrong.
 */
export function normaliseBaseUrl(input: string): string | undefined {
  return normaliseServerAddress(input);
}
