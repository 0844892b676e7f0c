import { storage } from 'wxt/utils/storage';
import * as z from 'zod/mini';

import { DEFAULT_ADDIGY_BASE_URL } from '../addigy/addigy-client';

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

/** Non-secret preferences. The API key is not here: see api-key.ts. */
export const settingsItem = storage.defineItem<Settings>('local:settings', {
  fallback: DEFAULT_SETTINGS,
  version: 1,
});

export async function loadSettings(): Promise<Settings> {
  const parsed = settingsSchema.safeParse(await settingsItem.getValue());
  return parsed.success ? { ...DEFAULT_SETTINGS, ...parsed.data } : DEFAULT_SETTINGS;
}

export async function saveSettings(patch: Partial<Settings>): Promise<Settings> {
  const next = { ...(await loadSettings()), ...patch };
  await settingsItem.setValue(next);
  return next;
}

/** The Addigy base URL must be HTTPS; returns the normalised URL or undefined. */
export function normaliseBaseUrl(input: string): string | undefined {
  try {
    const url = new URL(input.trim());
    if (url.protocol !== 'https:' || url.username || url.password) return undefined;
    return url.toString().replace(/\/+$/, '');
  } catch {
    return undefined;
  }
}
