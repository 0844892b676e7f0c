import { storage } from 'wxt/utils/storage';
import * as z from 'zod/mini';

import { DEFAULT_ADDIGY_BASE_URL } from '../mdm/mdm-kinds';
import { openTokenRelayDb } from './database';
import { normaliseServerAddress } from '../permissions/server-address';

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

/** The Addigy API address, from the extension's IndexedDB (no content script can open it). */
export async function loadAddigyBaseUrl(): Promise<string> {
  const stored = await (await openTokenRelayDb()).get('secrets', 'addigyBaseUrl');
  return (stored && normaliseBaseUrl(stored)) ?? DEFAULT_ADDIGY_BASE_URL;
}

async function saveAddigyBaseUrl(url: string): Promise<void> {
  const db = await openTokenRelayDb();
  if (url === DEFAULT_ADDIGY_BASE_URL) await db.delete('secrets', 'addigyBaseUrl');
  else await db.put('secrets', url, 'addigyBaseUrl');
}

export async function loadSettings(): Promise<Settings> {
  const [preferences, addigyBaseUrl] = await Promise.all([loadPreferences(), loadAddigyBaseUrl()]);
  return { ...preferences, addigyBaseUrl };
}

/** Extension pages only (Options): the address goes to IndexedDB, the rest to storage.local. */
export async function saveSettings(patch: Partial<Settings>): Promise<Settings> {
  const { addigyBaseUrl, ...preferences } = { ...(await loadSettings()), ...patch };
  const url = normaliseBaseUrl(addigyBaseUrl);
  if (!url) throw new Error('saveSettings: the Addigy address must be a normalised https URL');
  await saveAddigyBaseUrl(url);
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
    const already = await db.get('secrets', 'addigyBaseUrl');
    if (old && !already && (await hostGranted(old))) await saveAddigyBaseUrl(old);
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
