import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { RenewalRecord } from '../renewal/renewal-record';
import type { BatchRecord } from '../batch/batch-record';
import type { StoredConnection } from './connections';
import { migratePrimaryConnection } from './primary-connection';

/** The extension's IndexedDB. It lives in the extension's origin, so no content script can open it. */
export interface TokenRelayDb extends DBSchema {
  renewals: { key: string; value: RenewalRecord; indexes: { updatedAt: string } };
  /**
   * `localSettingsMigrated` marks the one-time move of the Addigy address out of storage.local. `addigyApiKey` and
   * `addigyBaseUrl` are where versions before connections kept the Addigy section's key and address: they are
   * moved into the connection `addigy` when the database opens (lib/storage/primary-connection.ts).
   */
  secrets: { key: 'addigyApiKey' | 'addigyBaseUrl' | 'localSettingsMigrated'; value: string };
  /** Connections to MDMs, each with its own credentials (lib/storage/connections.ts). */
  connections: { key: string; value: StoredConnection };
  /** The way an admin took through a web console, per console origin, with no values in it (lib/storage/console-paths.ts). */
  consolePaths: { key: string; value: { route: string; controls: string[]; savedAt: string } };
  /** Batch renewals (lib/batch): which locations the admin said yes to, and where each stands. No token text. */
  batches: { key: string; value: BatchRecord; indexes: { updatedAt: string } };
}

const DB_NAME = 'token-relay';
const DB_VERSION = 4;

let opening: Promise<IDBPDatabase<TokenRelayDb>> | undefined;

/** Opens the database once per page or worker; the Addigy key of older versions becomes a connection before any read. */
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
      if (oldVersion < 4) db.createObjectStore('batches', { keyPath: 'id' }).createIndex('updatedAt', 'updatedAt');
    },
  }).then(async (db) => {
    // A failed move keeps the old shape whole (one transaction); it is tried again at the next opening.
    await migratePrimaryConnection(db).catch(() => undefined);
    return db;
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
