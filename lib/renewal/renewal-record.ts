import * as z from 'zod/mini';
import { pageOutlineSchema } from '../page-report/outline-schema';
import { mdmDetailsSchema, writeSessionSchema } from '../mdm/renewal-writer';
import { MDM_KINDS } from '../mdm/mdm-kinds';
import { t } from '../i18n/messages';

/**
 * One renewal, as persisted in IndexedDB and shown in the popup.
 * It never holds the token text: that waits in the TokenVault.
 */
export const RENEWAL_STEPS = [
  'captured',
  'parsed',
  'verified',
  'matched',
  'handing-over',
  'previewed',
  'awaiting-confirmation',
  'renewing',
  'scanning',
  'done',
  'failed',
  'discarded',
] as const;
export const renewalStepSchema = z.enum(RENEWAL_STEPS);
export type RenewalStep = z.infer<typeof renewalStepSchema>;

export const FINISHED_STEPS: readonly RenewalStep[] = ['done', 'failed', 'discarded'];
export const captureSourceSchema = z.enum(['blob', 'data', 'https', 'button', 'file']);
export type CaptureSource = z.infer<typeof captureSourceSchema>;

const text = z.string();
const optionalText = z.optional(z.string());

export const renewalFailureSchema = z.object({
  kind: text,
  message: text,
  nextStep: text,
  /** The other side's own words (Addigy's errMsg, Apple's errorMessage), redacted. */
  detail: optionalText,
  /** The step that failed. */
  step: renewalStepSchema,
  /** Retry can finish this renewal with the same token (no new download needed). */
  retryable: z.boolean(),
});
export type RenewalFailure = z.infer<typeof renewalFailureSchema>;

const writesSchema = z.enum(['api', 'console']);

/** A token of one connection that the captured file may renew. */
export const matchCandidateSchema = z.object({
  connectionId: text,
  connectionName: text,
  kind: z.enum(MDM_KINDS),
  /** The MDM's id for the token (Addigy: the locationId). */
  tokenId: text,
  policyId: optionalText,
  locationName: optionalText,
  orgName: optionalText,
  appleId: optionalText,
  expiresAt: optionalText,
  /** `uid`: Apple's location identifier matched (Addigy). `name`: location and organisation names matched. */
  strength: z.enum(['uid', 'name']),
  /** The MDM says another MDM server uses this location (Jamf's clientContextMismatch, Intune's assignedToExternalMDM). */
  otherServer: z.optional(z.boolean()),
  /** The MDM can take the location over from another MDM through its API (adapter.reclaim). */
  reclaimable: z.optional(z.boolean()),
  /** The MDM stores any file it is given: only Apple's check of the location guards it (adapter.requiresAppleVerifiedLocation). */
  requiresAppleVerifiedLocation: z.optional(z.boolean()),
  /** How its writer writes: the MDM's own API, or the MDM's web console in a tab Token Relay opens (adapter.writes). */
  writes: z.optional(writesSchema),
});
export type MatchCandidate = z.infer<typeof matchCandidateSchema>;

export const renewalRecordSchema = z.object({
  id: text,
  step: renewalStepSchema,
  createdAt: text,
  updatedAt: text,
  source: captureSourceSchema,
  fileName: optionalText,
  /** What the file itself says. */
  file: z.optional(z.object({ orgName: text, expiresAt: text })),
  apple: z.optional(
    z.object({
      status: z.enum(['verified', 'unreachable', 'skipped']),
      uId: optionalText,
      locationName: optionalText,
      tokenExpirationDate: optionalText,
      websiteURL: optionalText,
      otherMdm: optionalText,
      note: optionalText,
    }),
  ),
  match: z.optional(
    z.object({
      /** The MDM's id for the token (Addigy: its locationId). */
      locationId: text,
      policyId: optionalText,
      locationName: optionalText,
      orgName: optionalText,
      /** The MDM's Apple ID for the location, where its list gives one. */
      appleId: optionalText,
      strength: z.enum(['uid', 'name']),
      /** The connection that holds the token (records from before connections were one kind: see renewal-store). */
      connectionId: optionalText,
      connectionName: optionalText,
      kind: z.optional(z.enum(MDM_KINDS)),
      /** The MDM can take the location over from another MDM through its API: the popup offers "Take over and renew". */
      reclaimable: z.optional(z.boolean()),
      /** The MDM stores any file it is given: the confirmation says that Apple's location check is the only guard. */
      requiresAppleVerifiedLocation: z.optional(z.boolean()),
      /** How the connection's writer writes (the popup words its steps by it). */
      writes: z.optional(writesSchema),
    }),
  ),
  /** Several connections hold a token this file may renew: the admin picks one; nothing is sent before. */
  candidates: z.optional(z.array(matchCandidateSchema)),
  /** The connections that were searched for the token (for "not found in …"). */
  searched: z.optional(z.array(text)),
  /** What Addigy's confirmation window showed, read from the console tab; for other MDMs, the token as their API lists it. */
  preview: z.optional(mdmDetailsSchema),
  /** Where a write that happens in a page stands (its writer's session; `console` since the first version). */
  console: z.optional(writeSessionSchema),
  /** An outline of the page where a step could not be found, with no values in it: "Save a page report". */
  pageReport: z.optional(z.object({ site: z.enum(['addigy', 'apple']), outline: pageOutlineSchema })),
  /** Who pressed Save in Addigy's confirmation window. */
  savedBy: z.optional(z.enum(['token-relay', 'admin'])),
  /** The admin said yes to taking the location over from another MDM. */
  otherMdmAccepted: z.optional(z.boolean()),
  /** Disagreements between the file, Apple and Addigy, said before the Renew button. */
  discrepancies: z.array(text),
  /** Set when another MDM has claimed the location: confirming needs an extra, explicit yes. */
  otherMdm: optionalText,
  /** Set when this capture replaced a pending renewal of the same location. */
  replacedPending: z.optional(z.boolean()),
  /** When the MDM took the location over from another MDM (adapter.reclaim), before the renew call. */
  reclaimedAt: optionalText,
  renewedAt: optionalText,
  newExpiry: optionalText,
  lastSync: optionalText,
  /** Shown while a call is being retried after a transient failure. */
  retrying: z.optional(z.object({ attempt: z.number(), delayMs: z.number(), reason: text })),
  failure: z.optional(renewalFailureSchema),
  /** The user has read the failure; it stays in history but no longer raises the badge. */
  dismissed: z.optional(z.boolean()),
});
export type RenewalRecord = z.infer<typeof renewalRecordSchema>;

export const isFinished = (record: RenewalRecord) => FINISHED_STEPS.includes(record.step);

/** The MDM a renewal goes to: the matched connection's kind (none before the match). */
export const mdmKindOf = (r: RenewalRecord) => r.match?.kind;

/** The connection's name, as the popup and messages say it ("Addigy", "Jamf Pro (Acme)"). */
export const connectionNameOf = (r: RenewalRecord) => r.match?.connectionName ?? r.searched?.[0] ?? t('problemYourMDM');

/** The renewal is written through the MDM's own API (its renew call is Token Relay's), not in the MDM's web console. */
export const writesThroughApi = (r: RenewalRecord) => r.match?.writes === 'api';

/** The name a renewal goes by in messages and the popup: Addigy's, else Apple's, else the file's organisation. */
export function locationLabel(r: RenewalRecord): string {
  return r.preview?.name ?? r.match?.locationName ?? r.apple?.locationName ?? r.file?.orgName ?? t('problemThisToken');
}
