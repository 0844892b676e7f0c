import * as z from 'zod/mini';
import { MAX_VPP_TOKEN_BYTES } from '../token/types';
import { renewalRecordSchema } from '../renewal/renewal-record';
import { pageOutlineSchema } from '../addigy-console/console-messages';
import type { TokenHealth } from '../health/health-state';
import { batchRecordSchema } from '../batch/batch-record';

/**
 * Every message between the extension's contexts. Each is validated at the receiving end.
 * Content scripts may only send requests (`capture:*`); intents come from extension pages.
 */

// Room for the file in whatever encoding the bridge used, and no more.
const fileText = z.string().check(z.minLength(1), z.maxLength(MAX_VPP_TOKEN_BYTES * 2));
const fileName = z.optional(z.string().check(z.maxLength(260)));

export const contentRequestSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('capture:file'),
    /** How the page delivered the file. ('button' is the older spelling of `fromButton: true`.) */
    via: z.enum(['blob', 'data', 'https', 'button']),
    /** The capture followed a click on our "Send to Addigy" button: bring the popup up. */
    fromButton: z.optional(z.boolean()),
    /** The capture followed the user's own (trusted) click on a Download control or Send to Addigy within 10 s. */
    afterTrustedClick: z.optional(z.boolean()),
    fileName,
    /** An https take-over's `Content-Disposition` header, as Apple sent it: the background reads the file name from it. */
    disposition: z.optional(z.string().check(z.maxLength(1024))),
    text: fileText,
  }),
  /**
   * The user clicked "Send all … to Addigy" in the token section (a trusted click): a proposal only. The background
   * plans the batch from its own view of the tokens and the names the page lists; the popup asks for the one yes.
   */
  z.object({
    type: z.literal('capture:send-all'),
    afterTrustedClick: z.optional(z.boolean()),
    locations: z.array(z.string().check(z.maxLength(200))).check(z.maxLength(500)),
  }),
]);
export type ContentRequest = z.infer<typeof contentRequestSchema>;
export type CaptureFileRequest = Extract<ContentRequest, { type: 'capture:file' }>;

export const pageIntentSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('state:get') }),
  z.object({ type: z.literal('renewal:confirm'), id: z.string(), acceptOtherMdm: z.optional(z.boolean()) }),
  z.object({ type: z.literal('renewal:retry'), id: z.string() }),
  /** Several connections hold a token the file may renew: the admin's pick. */
  z.object({ type: z.literal('renewal:choose'), id: z.string(), connectionId: z.string(), tokenId: z.string() }),
  z.object({ type: z.literal('renewal:discard'), id: z.string() }),
  z.object({ type: z.literal('renewal:show-console'), id: z.string() }),
  z.object({ type: z.literal('apple-page:check') }),
  z.object({ type: z.literal('renewal:import-file'), fileName, text: fileText }),
  /** No id: the Addigy connection of Options' Addigy section. */
  z.object({ type: z.literal('settings:test-connection'), connectionId: z.optional(z.string()) }),
  z.object({ type: z.literal('tokens:refresh') }),
  /** Options added, changed or removed a connection: the in-page button's label and the watch follow. */
  z.object({ type: z.literal('connections:changed') }),
  z.object({ type: z.literal('tokens:snooze'), locationId: z.string(), days: z.number().check(z.int(), z.gte(0), z.lte(365)) }),
  /** "Renew all N expiring": plan a batch for this organisation on its open Apple page (or open that page). */
  z.object({ type: z.literal('batch:propose'), site: z.enum(['https://business.apple.com', 'https://school.apple.com']), orgName: z.optional(z.string()) }),
  /** "Renew all N": the one yes for the whole batch. */
  z.object({ type: z.literal('batch:confirm'), id: z.string() }),
  /** Stop before the next download (a proposed batch is dropped). */
  z.object({ type: z.literal('batch:cancel'), id: z.string() }),
  /** Retry one row of the batch. */
  z.object({ type: z.literal('batch:retry'), id: z.string(), key: z.string() }),
  /** Close a finished batch's summary. */
  z.object({ type: z.literal('batch:dismiss'), id: z.string() }),
]);
export type PageIntent = z.infer<typeof pageIntentSchema>;

const problemSchema = z.object({ kind: z.string(), message: z.string(), nextStep: z.string() });

const tokenHealthSchema = z.object({
  locationId: z.string(),
  connectionName: z.optional(z.string()),
  mdm: z.optional(z.enum(['addigy', 'jamf-pro', 'intune', 'fleet'])),
  locationName: z.string(),
  orgName: z.string(),
  websiteURL: z.enum(['https://business.apple.com', 'https://school.apple.com']),
  expiresAt: z.optional(z.string()),
  expirySource: z.enum(['addigy', 'last-renewal', 'unknown']),
  daysLeft: z.optional(z.number()),
  lastSync: z.optional(z.string()),
  state: z.enum(['valid', 'expiring-soon', 'expired', 'revoked', 'invalid', 'syncing', 'sync-failed', 'other-mdm']),
  reason: z.string(),
  nextStep: z.optional(z.string()),
});

// The wire schema must describe exactly lib/health's TokenHealth; this fails to compile if they drift.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const tokenHealthMatches: Same<z.infer<typeof tokenHealthSchema>, TokenHealth> = true;
void tokenHealthMatches;

/** The last look at every token, as the background keeps it (lib/watch/token-snapshot.ts). */
export const tokenSnapshotSchema = z.object({
  health: z.array(tokenHealthSchema),
  fetchedAt: z.optional(z.string()),
  problem: z.optional(problemSchema),
});

export const popupStateSchema = z.object({
  configured: z.boolean(),
  renewals: z.array(renewalRecordSchema),
  /** `.vpptoken` downloads seen but not readable by the extension (names only): offer the file picker. */
  noticedDownloads: z.array(z.string()),
  tokens: tokenSnapshotSchema,
  /** Reminders snoozed until (ISO), by locationId. */
  snoozedUntil: z.record(z.string(), z.string()),
  /** When the background read this state (ms): replies can overtake each other, the newest read wins. */
  readAt: z.number(),
  /** The batch being proposed or run, or the last one until its summary is closed. */
  batch: z.optional(batchRecordSchema),
});
export type PopupState = z.infer<typeof popupStateSchema>;

/** The background's answer to any intent. */
export const intentReplySchema = z.union([
  z.object({
    ok: z.literal(true),
    state: z.optional(popupStateSchema),
    note: z.optional(z.string()),
    /** `apple-page:check`: an open Apple page whose token section cannot be read, as a value-free outline. */
    unreadableApplePage: z.optional(pageOutlineSchema),
  }),
  z.object({ ok: z.literal(false), problem: problemSchema }),
]);
export type IntentReply = z.infer<typeof intentReplySchema>;

/** Background → extension pages: something changed, read the state again. */
export const stateChangedSchema = z.object({ type: z.literal('state:changed') });
