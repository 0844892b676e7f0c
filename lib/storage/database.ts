import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { RenewalRecord } from '../renewal/renewal-record';
import type { StoredConnection } from './connections';

/** The extension's IndexedDB. It lives in the extension's origin, so no content script can open it. */
export interface TokenRelayDb extends DBSchema {
  renewals: { key: string; value: RenewalRecord; indexes: { updatedAt: string } };
  /**
   * The API key, and every setting that decides where a secret goes (the Addigy address): out of
   * storage.local, which a content script can write. `localSettingsMigrated` marks the one-time move.
   */
  secrets: { key: 'addigyApiKey' | 'addigyBaseUrl' | 'localSettingsMigrated'; value: string };
  /** Connections to MDMs besides the Addigy one above, each with its own credentials (lib/storage/connections.ts). */
  connections: { key: string; value: StoredConnection };
  /** The way an admin took through a web console, per console origin, with no values in it (lib/storage/console-paths.ts). */
  consolePaths: { key: string; value: { route: string; controls: string[]; savedAt: string } };
}

const DB_NAME = 'token-relay';
const DB_VERSION = 3;

let opening: Promise<IDBPDatabase<TokenRelayDb>> | undefined;

export function openTokenRelayDb(): Promise<IDBPDatabase<TokenRelayDb>> {
  opening ??= openDB<TokenRelayDb>(DB_NAME, DB_VERSION, {
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        const renewals = db.createObjectStore('renewals', { keyPath: 'id' });
        renewals.createIndex('updatedAt', 'updatedAt');
        db.createObjectStore('secrets');
      }
      if (oldVersion < 2) db.createObjectStore('connections', { keyPath: 'connection.id' });
      if (oldVersion < 3) db.createObjectStore('consolePaths');
    },
  });
  return opening;
}

/** Tests start from an empty database. */
export async function resetTokenRelayDbForTests(): Promise<void> {
  if (opening) (await opening).close();
  opening = undefined;
  await new Promise<void>((resolve) => {
    const request = indexedDB.deleteDatabase(DB_NAME);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
}
