import { batchRecordSchema, type BatchRecord } from '../batch/batch-record';
import { openTokenRelayDb } from './database';

/** Batch records in IndexedDB, newest first. No token text is ever in them. */
export interface BatchStore {
  get(id: string): Promise<BatchRecord | undefined>;
  put(batch: BatchRecord): Promise<void>;
  list(): Promise<BatchRecord[]>;
}

/** Finished batches kept for the history; older ones are dropped. */
const KEEP_BATCHES = 10;

/** A stored batch is checked again when read: one that does not fit the schema is left out, never acted on. */
const readBack = (stored: unknown): BatchRecord | undefined => {
  const parsed = batchRecordSchema.safeParse(stored);
  return parsed.success ? parsed.data : undefined;
};

export const idbBatchStore: BatchStore = {
  async get(id) {
    return readBack(await (await openTokenRelayDb()).get('batches', id));
  },
  async put(batch) {
    const db = await openTokenRelayDb();
    await db.put('batches', batch);
    const all = await db.getAllFromIndex('batches', 'updatedAt');
    const finished = all.filter((b) => b.step === 'finished' || b.step === 'cancelled');
    for (const old of finished.slice(0, Math.max(0, all.length - KEEP_BATCHES))) await db.delete('batches', old.id);
  },
  async list() {
    const all = await (await openTokenRelayDb()).getAllFromIndex('batches', 'updatedAt');
    return all.reverse().flatMap((stored) => readBack(stored) ?? []);
  },
};

export function memoryBatchStore(): BatchStore {
  const batches = new Map<string, BatchRecord>();
  return {
    async get(id) {
      const b = batches.get(id);
      return b && structuredClone(b);
    },
    async put(batch) {
      batches.set(batch.id, structuredClone(batch));
    },
    async list() {
      return [...batches.values()].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)).map((b) => structuredClone(b));
    },
  };
}
