import { openTokenRelayDb } from './database';

// The key sits in the extension's IndexedDB rather than storage.local, which content scripts can read.

export async function loadApiKey(): Promise<string | undefined> {
  const db = await openTokenRelayDb();
  const key = await db.get('secrets', 'addigyApiKey');
  return key?.trim() ? key : undefined;
}

export async function saveApiKey(key: string): Promise<void> {
  const db = await openTokenRelayDb();
  const trimmed = key.trim();
  if (trimmed) await db.put('secrets', trimmed, 'addigyApiKey');
  else await db.delete('secrets', 'addigyApiKey');
}
