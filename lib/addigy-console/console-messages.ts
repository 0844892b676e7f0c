import * as z from 'zod/mini';

/**
 * The wire between the background and the Addigy console script (injected into the top frame of the tab
 * the background opened on https://app.addigy.com). Both ends validate what they receive.
 *
 * background → content script (tabs.sendMessage, frameId 0): jobs.
 * content script → background (runtime.sendMessage): a request for the file, and reports.
 * Reports only describe what the page showed: the background checks the outcome with Addigy's API.
 */

/** The steps of the seed's Renew path, named so a failure can say which one it could not do. */
export const CONSOLE_STEPS = [
  'opening-apple-apps',
  'finding-token',
  'opening-renew',
  'handing-over-file',
  'waiting-for-confirmation',
  'saving',
] as const;
export const consoleStepSchema = z.enum(CONSOLE_STEPS);
export type ConsoleStep = z.infer<typeof consoleStepSchema>;

const shortText = z.string().check(z.maxLength(300));

/** What Addigy's confirmation window shows before its Save. */
export const consoleConfirmationSchema = z.object({
  idNumber: shortText,
  name: shortText,
  appleId: shortText,
  organization: shortText,
});
export type ConsoleConfirmation = z.infer<typeof consoleConfirmationSchema>;

/**
 * A way through a console that an admin took in guided mode, kept (per console origin) once that renewal succeeded,
 * and tried first by the next renewal. It holds no values: the route's shape, and the accessible names of the
 * controls the admin pressed, each made only of UI words (page-report's vocabulary) or the placeholder.
 */
export const consolePathSchema = z.object({
  /** The pathname where the upload control appeared: the job's policy id as `{policy}`, any other id-like segment as `*`. */
  route: shortText,
  /** The accessible names pressed, in order, from the guide's start to the upload control; the job's location as `{location}`. */
  controls: z.array(shortText).check(z.maxLength(12)),
});
export type ConsolePath = z.infer<typeof consolePathSchema>;

export const consoleJobSchema = z.object({
  renewalId: z.string().check(z.minLength(1), z.maxLength(100)),
  /** The token's location as Addigy lists it: the row/card to press Renew on. */
  locationName: shortText,
  /** The name the upload gets: `sToken_for_<Location>.vpptoken`, built from the location, never the download's own name. */
  fileName: shortText,
  /** The policy whose page the tab was opened on (for a remembered route's `{policy}`). */
  policyId: z.optional(shortText),
  /** The way an admin took on this console before: tried before the model, and before asking. */
  knownPath: z.optional(consolePathSchema),
  /** This renewal is already guided (a page the admin opened on the way): skip the model, guide at once. */
  guided: z.optional(z.boolean()),
});
export type ConsoleJob = z.infer<typeof consoleJobSchema>;

export const backgroundToConsoleSchema = z.discriminatedUnion('type', [
  /** Do the seed's Renew steps up to Addigy's confirmation window, then report it. */
  z.object({ type: z.literal('console:upload'), job: consoleJobSchema }),
  /** The admin confirmed in the popup: press Save in Addigy's confirmation window. */
  z.object({ type: z.literal('console:press-save'), renewalId: z.string() }),
]);
export type BackgroundToConsole = z.infer<typeof backgroundToConsoleSchema>;

// The outline's shape lives with the page report; re-exported for the console's wire.
export { pageOutlineSchema, type PageOutline } from '../page-report/outline-schema';
import { pageOutlineSchema } from '../page-report/outline-schema';

export const consoleReportSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('progress'), step: consoleStepSchema }),
  z.object({ kind: z.literal('confirmation'), details: consoleConfirmationSchema }),
  /** Addigy accepted the Save (its window closed, no error box). `by` says whose click it was. */
  z.object({ kind: z.literal('saved'), by: z.enum(['token-relay', 'admin']) }),
  /** Addigy's red error box, its words (secrets redacted by the sender and again by the receiver). */
  z.object({ kind: z.literal('refused'), text: shortText }),
  /** A step's control, window or answer did not appear in time. `what`: "Addigy's Renew button". */
  z.object({ kind: z.literal('step-missing'), step: consoleStepSchema, what: shortText, outline: z.optional(pageOutlineSchema) }),
  /**
   * Guided mode: the page did not match the model at `step` (or the remembered path failed), so the tab asks the
   * admin to do the next thing; `say` is the guide's words, the same in the tab and in the popup. Sent again when
   * the next thing changes. The page outline goes with the first one, for "Save a page report".
   */
  z.object({ kind: z.literal('guide'), step: consoleStepSchema, say: shortText, outline: z.optional(pageOutlineSchema) }),
  /** Guided mode: the way the admin took to the upload control (sent when it appeared). Kept only if the renewal succeeds. */
  z.object({ kind: z.literal('path'), path: consolePathSchema }),
  /**
   * After the file was handed over: new text that is not a control appeared in the upload window or next to it.
   * Addigy's answer in whatever markup; redacted. The background decides what it means (a refusal, or just words).
   */
  z.object({ kind: z.literal('answer'), text: shortText }),
  /**
   * Guided mode, after the hand-over: no confirmation window Token Relay knows; the admin confirms in Addigy's own
   * window. `details`: the labelled values that could be read and match the job (empty strings where none).
   */
  z.object({ kind: z.literal('confirm-in-page'), details: consoleConfirmationSchema }),
]);
export type ConsoleReport = z.infer<typeof consoleReportSchema>;

export const consoleToBackgroundSchema = z.discriminatedUnion('type', [
  /** The file input or drop zone is ready: hand over the token file. Answered with ConsoleFileReply. */
  z.object({ type: z.literal('console:need-file'), renewalId: z.string() }),
  z.object({ type: z.literal('console:report'), renewalId: z.string(), report: consoleReportSchema }),
]);
export type ConsoleToBackground = z.infer<typeof consoleToBackgroundSchema>;

export const consoleFileReplySchema = z.union([
  z.object({ ok: z.literal(true), fileName: shortText, text: z.string().check(z.minLength(1), z.maxLength(128 * 1024)) }),
  z.object({ ok: z.literal(false) }),
]);
export type ConsoleFileReply = z.infer<typeof consoleFileReplySchema>;

export const ADDIGY_CONSOLE_ORIGIN = 'https://app.addigy.com';
export const ADDIGY_LOGIN_ORIGIN = 'https://login.addigy.com';

/**
 * The console script (entrypoints/addigy-console-driver.ts): not in the manifest, injected by the background into
 * frame 0 of the tabs it opened for a renewal only, before each job it sends.
 */
export const CONSOLE_DRIVER_FILE = '/addigy-console-driver.js';
/** The injected script's mark on its own (isolated) world's global: one copy per document, whatever the injections. */
export const CONSOLE_DRIVER_GUARD = '__tokenRelayAddigyConsoleDriver';
