import * as z from 'zod/mini';
import { SEND_TARGETS } from '../mdm/send-target-key';

/**
 * What the background asks of the injected Apple-page batch script (entrypoints/abm-batch.ts), and what it answers.
 * Checked on both ends: the script checks each command (read-batch-command.ts: the same rules without zod, which
 * would not fit its budget), the background each reply (it came from a frame of Apple's page). Names only, never a
 * token.
 */

const locationName = z.string().check(z.minLength(1), z.maxLength(200));
// As many names as the Send-all request carries (lib/messaging/messages.ts).
const locationNames = z.array(z.string().check(z.maxLength(200))).check(z.maxLength(500));

/** Show "Send all <n> expiring to <target>" in the token section (n: entries named in `dueLocations`; none: hidden). */
export const batchOfferSchema = z.object({
  type: z.literal('batch:offer'),
  dueLocations: locationNames,
  /** Where the button says the tokens go: 'Addigy', an MDM's name or 'MDM' (the names of the one-token button). */
  target: z.enum(SEND_TARGETS),
});

/** Every entry's location name in the frame that shows the token section. */
export const batchListLocationsSchema = z.object({ type: z.literal('batch:list-locations') });

/** Click the Download control of the ONE entry with this name (compared normalised), and nothing else. */
export const batchDownloadSchema = z.object({ type: z.literal('batch:download'), locationName });

export const batchCommandSchema = z.discriminatedUnion('type', [batchOfferSchema, batchListLocationsSchema, batchDownloadSchema]);
export type BatchCommand = z.infer<typeof batchCommandSchema>;
export type BatchOffer = z.infer<typeof batchOfferSchema>;

/** `batch:offer`: how many entries the control counts now (0: hidden). */
export const batchOfferReplySchema = z.object({ shown: z.number().check(z.int(), z.nonnegative()) });
export type BatchOfferReply = z.infer<typeof batchOfferReplySchema>;

/** `batch:list-locations`. */
export const batchListLocationsReplySchema = z.object({ locations: locationNames });
export type BatchListLocationsReply = z.infer<typeof batchListLocationsReplySchema>;

export const BATCH_DOWNLOAD_FAILURES = [
  /** No entry on the page has that name. */
  'not-found',
  /** Two or more entries have that name: Token Relay cannot tell which one the batch means, so it clicks none. */
  'ambiguous',
  /** The entry is there but has no Download control (the role may not download, or the row is still loading). */
  'no-control',
] as const;
export type BatchDownloadFailure = (typeof BATCH_DOWNLOAD_FAILURES)[number];

/** `batch:download`. */
export const batchDownloadReplySchema = z.union([
  z.object({ clicked: z.literal(true) }),
  z.object({ clicked: z.literal(false), reason: z.enum(BATCH_DOWNLOAD_FAILURES) }),
]);
export type BatchDownloadReply = z.infer<typeof batchDownloadReplySchema>;
