import * as z from 'zod/mini';
import { MDM_KINDS } from '../mdm/mdm-kinds';

/**
 * One batch: the due tokens of one Apple organisation, renewed in one pass (issue 22). Persisted in IndexedDB
 * (the extension's origin only: no content script can add a location) and shown in the popup. It never holds a
 * token's text: each location's file goes through its own renewal (lib/renewal), whose id the item keeps.
 */
export const BATCH_ITEM_STATES = [
  /** Confirmed, not downloaded yet. */
  'queued',
  /** Token Relay pressed the location's Download on Apple's page and waits for the file. */
  'downloading',
  /** The file arrived; its renewal is under way (`renewalId`). */
  'relaying',
  'renewed',
  /** The renewal stopped with a question only the admin can answer (a difference, another MDM): see `problem`. */
  'needs-you',
  'failed',
  /** The batch was cancelled before this location was downloaded. */
  'cancelled',
] as const;
export const batchItemStateSchema = z.enum(BATCH_ITEM_STATES);
export type BatchItemState = z.infer<typeof batchItemStateSchema>;

const problemSchema = z.object({ kind: z.string(), message: z.string(), nextStep: z.string() });

export const batchItemSchema = z.object({
  /** The token's key in the watch's health (`TokenHealth.locationId`): unique within the batch. */
  key: z.string(),
  locationName: z.string(),
  orgName: z.string(),
  /** The connection that holds the token, and the MDM's own id for it. */
  connectionId: z.string(),
  connectionName: z.string(),
  mdm: z.enum(MDM_KINDS),
  tokenId: z.string(),
  /** The token's expiry now, as the MDM reports it (ISO). */
  expiresAt: z.optional(z.string()),
  /** What the watch said of the token when the batch was proposed (expiring-soon, expired, revoked, …). */
  health: z.string(),
  /** Something the admin should know before saying yes (another MDM holds it, no expiry known, …). */
  discrepancy: z.optional(z.string()),
  state: batchItemStateSchema,
  /** When Token Relay pressed Download (ISO): a location is downloaded at most once per batch run. */
  downloadRequestedAt: z.optional(z.string()),
  renewalId: z.optional(z.string()),
  /** The renewed token's expiry (from the file). */
  newExpiry: z.optional(z.string()),
  problem: z.optional(problemSchema),
});
export type BatchItem = z.infer<typeof batchItemSchema>;

export const BATCH_STEPS = ['proposed', 'running', 'cancelled', 'finished'] as const;
export const batchStepSchema = z.enum(BATCH_STEPS);
export type BatchStep = z.infer<typeof batchStepSchema>;

export const batchRecordSchema = z.object({
  id: z.string(),
  step: batchStepSchema,
  site: z.enum(['https://business.apple.com', 'https://school.apple.com']),
  orgName: z.string(),
  /** The Apple tab whose page the downloads are pressed on (its session is the batch's). */
  appleTabId: z.optional(z.number()),
  /** The MDM console tab the batch's console renewals share, once the first one opened it. */
  consoleTabId: z.optional(z.number()),
  items: z.array(batchItemSchema),
  createdAt: z.string(),
  confirmedAt: z.optional(z.string()),
  updatedAt: z.string(),
  finishedAt: z.optional(z.string()),
  /** The admin closed the finished batch's summary in the popup. */
  dismissed: z.optional(z.boolean()),
});
export type BatchRecord = z.infer<typeof batchRecordSchema>;

/** How many of the batch's locations are renewed, and how many it has. */
export function batchProgress(batch: BatchRecord): { renewed: number; total: number; settled: number } {
  const total = batch.items.length;
  const renewed = batch.items.filter((i) => i.state === 'renewed').length;
  const settled = batch.items.filter((i) => i.state === 'renewed' || i.state === 'failed' || i.state === 'cancelled').length;
  return { renewed, total, settled };
}
