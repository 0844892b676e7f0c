import type { IDBPDatabase } from 'idb';
import { DEFAULT_ADDIGY_BASE_URL } from '../mdm/mdm-kinds';
import { normaliseServerAddress } from '../permissions/server-address';
import type { Connection, StoredConnection } from './connections';
import type { TokenRelayDb } from './database';

/**
 * The Addigy connection that Options' Addigy section edits. It is an ordinary connection; it sorts first
 * (it was the first connection, before the list existed) and the list does not show it a second time.
 */
export const PRIMARY_ADDIGY: Connection = { id: 'addigy', kind: 'addigy', name: 'Addigy' };

/**
 * An address the Addigy key may go to: a normalised https address on an Addigy host (addigy.com or a name under it).
 * The same rule as lib/mdm/addigy/addigy-host.ts `isAddigyHost`, which storage may not import (it is vendor code).
 */
export function addigyServerUrl(input: string): string | undefined {
  const url = normaliseServerAddress(input);
  if (!url) return undefined;
  const host = new URL(url).hostname;
  return host === 'addigy.com' || host.endsWith('.addigy.com') ? url : undefined;
}

/** A createdAt that sorts before every connection already stored: the Addigy section's connection comes first. */
export function firstCreatedAt(stored: Array<Pick<StoredConnection, 'createdAt'>>): string {
  const times = stored.map((entry) => Date.parse(entry.createdAt)).filter((time) => !Number.isNaN(time));
  return new Date(times.length ? Math.min(...times) - 1 : Date.now()).toISOString();
}

/**
 * Once, at update: the Addigy API key and address that versions before connections kept in `secrets` become the
 * connection `addigy`, and the old entries are deleted, in one transaction (a crash leaves the old shape or the new
 * one, never half of each). It runs when the database opens (lib/storage/database.ts), so nothing reads before it.
 * An `addigy` connection already stored is left as it is. An address that is not an Addigy host could never be used
 * (the client refuses it), so it is not carried over.
 */
export async function migratePrimaryConnection(db: IDBPDatabase<TokenRelayDb>): Promise<'migrated' | 'nothing-to-do'> {
  const tx = db.transaction(['secrets', 'connections'], 'readwrite');
  const secrets = tx.objectStore('secrets');
  const connections = tx.objectStore('connections');
  const [apiKey, baseUrl, existing] = await Promise.all([secrets.get('addigyApiKey'), secrets.get('addigyBaseUrl'), connections.get(PRIMARY_ADDIGY.id)]);
  const key = apiKey?.trim();
  const serverUrl = baseUrl ? addigyServerUrl(baseUrl) : undefined;
  const customUrl = serverUrl && serverUrl !== DEFAULT_ADDIGY_BASE_URL ? serverUrl : undefined;
  if (existing || (!key && !customUrl)) {
    await tx.done;
    return 'nothing-to-do';
  }
  const createdAt = firstCreatedAt(await connections.getAll());
  await connections.put({
    connection: { ...PRIMARY_ADDIGY, ...(customUrl ? { serverUrl: customUrl } : {}) },
    secrets: key ? { apiKey: key } : {},
    createdAt,
  });
  await secrets.delete('addigyApiKey');
  await secrets.delete('addigyBaseUrl');
  await tx.done;
  return 'migrated';
}
