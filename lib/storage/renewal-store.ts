import { openTokenRelayDb } from './database';
import { renewalRecordSchema, type RenewalRecord } from '../renewal/renewal-record';
import { sessionTokenVault, type TokenVault } from './token-vault';

/** Renewal records (no token text in them) in IndexedDB. */
export interface RenewalStore {
  get(id: string): Promise<RenewalRecord | undefined>;
  put(record: RenewalRecord): Promise<void>;
  list(): Promise<RenewalRecord[]>;
}

const HISTORY_LIMIT = 50;

/** Records in IndexedDB; a pruned record takes its token (if any still waits) with it. */
export function idbRenewalStoreWith(vault: TokenVault): RenewalStore {
  return {
    async get(id) {
      return readBack(await (await openTokenRelayDb()).get('renewals', id));
    },
    async put(record) {
      const db = await openTokenRelayDb();
      await db.put('renewals', record);
      // Keep history bounded: drop the oldest finished records.
      const all = await db.getAllFromIndex('renewals', 'updatedAt');
      const finished = all.filter((r) => r.step === 'done' || r.step === 'failed' || r.step === 'discarded');
      for (const old of finished.slice(0, Math.max(0, all.length - HISTORY_LIMIT))) {
        await db.delete('renewals', old.id);
        // A token never outlives its record.
        await vault.wipe(old.id);
      }
    },
    async list() {
      const all = await (await openTokenRelayDb()).getAllFromIndex('renewals', 'updatedAt');
      return all.reverse().flatMap((stored) => readBack(stored) ?? []);
    },
  };
}

/** A stored record is checked again when read: one that does not fit the schema is left out, never acted on. */
function readBack(stored: unknown): RenewalRecord | undefined {
  const parsed = renewalRecordSchema.safeParse(stored);
  return parsed.success ? upgradeRenewalRecord(parsed.data) : undefined;
}

/**
 * The connection that held a renewal's token before connections were one kind: a record stored by an older version
 * names none when it was the Addigy key of Options' Addigy section, which is now the connection 'addigy'
 * (migratePrimaryConnection). Upgraded on every read, so a record written before the update, even one mid-renewal,
 * is taken up by the pipeline as if written now; the next save stores it so.
 */
const LEGACY_ADDIGY_CONNECTION = { connectionId: 'addigy', connectionName: 'Addigy', kind: 'addigy' } as const;

export function upgradeRenewalRecord(record: RenewalRecord): RenewalRecord {
  if (record.match && !record.match.connectionId) record.match = { ...record.match, ...LEGACY_ADDIGY_CONNECTION };
  // Before writers, Addigy (and only Addigy) was written in its web console.
  if (record.match && !record.match.writes) record.match = { ...record.match, writes: record.match.kind === 'addigy' ? 'console' : 'api' };
  return record;
}

export const idbRenewalStore: RenewalStore = idbRenewalStoreWith(sessionTokenVault);

export function memoryRenewalStore(): RenewalStore {
  const records = new Map<string, RenewalRecord>();
  return {
    async get(id) {
      const r = records.get(id);
      return r && upgradeRenewalRecord(structuredClone(r));
    },
    async put(record) {
      records.set(record.id, structuredClone(record));
    },
    async list() {
      return [...records.values()].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)).map((r) => upgradeRenewalRecord(structuredClone(r)));
    },
  };
}
