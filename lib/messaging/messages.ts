import * as z from 'zod/mini';
import { MAX_VPP_TOKEN_BYTES } from '../token/types';
import { renewalRecordSchema } from '../renewal/renewal-record';

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
    via: z.enum(['blob', 'data', 'https', 'button']),
    fileName,
    text: fileText,
  }),
]);
export type ContentRequest = z.infer<typeof contentRequestSchema>;

export const pageIntentSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('state:get') }),
  z.object({ type: z.literal('renewal:confirm'), id: z.string(), acceptOtherMdm: z.optional(z.boolean()) }),
  z.object({ type: z.literal('renewal:retry'), id: z.string() }),
  z.object({ type: z.literal('renewal:discard'), id: z.string() }),
  z.object({ type: z.literal('renewal:import-file'), fileName, text: fileText }),
  z.object({ type: z.literal('settings:test-connection') }),
]);
export type PageIntent = z.infer<typeof pageIntentSchema>;

export const popupStateSchema = z.object({
  configured: z.boolean(),
  renewals: z.array(renewalRecordSchema),
  /** `.vpptoken` downloads seen but not readable by the extension (names only): offer the file picker. */
  noticedDownloads: z.array(z.string()),
});
export type PopupState = z.infer<typeof popupStateSchema>;

const problemSchema = z.object({ kind: z.string(), message: z.string(), nextStep: z.string() });

/** The background's answer to any intent. */
export const intentReplySchema = z.union([
  z.object({ ok: z.literal(true), state: z.optional(popupStateSchema), note: z.optional(z.string()) }),
  z.object({ ok: z.literal(false), problem: problemSchema }),
]);
export type IntentReply = z.infer<typeof intentReplySchema>;

/** Background → extension pages: something changed, read the state again. */
export const stateChangedSchema = z.object({ type: z.literal('state:changed') });
