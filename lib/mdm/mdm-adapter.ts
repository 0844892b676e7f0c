import type { Problem, Result } from '../result';
import type { MdmKind } from './mdm-kinds';
import type { RenewalWriter } from './renewal-writer';

/**
 * The boundary between Token Relay and an MDM. The renewal machine, the watch and the popup know only this;
 * each MDM's folder (lib/mdm/<kind>/) knows its own wire shapes and zod schemas.
 */

// The kinds and their names are plain data (lib/mdm/mdm-kinds.ts), so storage can keep them without this boundary.
export { MDM_KINDS, MDM_LABELS, type MdmKind } from './mdm-kinds';

/** A token's health as the MDM reports it, mapped to one vocabulary (the cockpit adds Apple's verdict and dates). */
export type MdmTokenState =
  | 'ok'
  | 'expired'
  | 'revoked'
  | 'invalid'
  /** Another MDM server uses this location (Jamf's clientContextMismatch, Intune's assignedToExternalMDM). */
  | 'other-server'
  | 'duplicate-location'
  | 'sync-failed'
  | 'syncing'
  | 'unknown';

/** One Apple Apps and Books location token, as an MDM lists it. Never holds the token text. */
export interface MdmToken {
  /** The MDM's own id for it, used in its renew and sync calls. */
  id: string;
  locationName?: string;
  orgName?: string;
  appleId?: string;
  /** Apple's location identifier, where the MDM reports it (Addigy). */
  uId?: string;
  /** ISO-8601 UTC. */
  expiresAt?: string;
  /** ISO-8601 UTC: the last sync the MDM reports as successful (or just the last one, where it does not say). */
  lastSync?: string;
  state: MdmTokenState;
  /** The MDM's own words about the state, secrets redacted, when it gave any. */
  stateDetail?: string;
  /** Addigy: the policy holding it, and where an inherited copy comes from. */
  policyId?: string;
  inheritedFrom?: string;
}

export type MdmProblemKind =
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'rate-limited'
  | 'server-error'
  | 'unreachable'
  | 'timeout'
  | 'bad-response'
  | 'bad-settings'
  /** The admin must sign in again (Intune: no valid refresh token). */
  | 'needs-sign-in'
  /** Fleet Free: the feature is Premium only (HTTP 402). */
  | 'needs-premium'
  /** The MDM refused the file itself (wrong location, expired, malformed). */
  | 'refused';

export interface MdmProblem extends Problem<MdmProblemKind> {
  /** HTTP status of the answer, when there was one. */
  status?: number;
  /** The MDM's own words, secrets redacted, at most ~300 characters. */
  detail?: string;
  /** Worth trying again later (5xx, 429, network, timeout). */
  transient: boolean;
  /** How long the MDM asked us to wait (`Retry-After`), when it said. */
  retryAfterMs?: number;
}

/** What the MDM's list says about a renewal saved at `since` with a file that expires at `expiresAt`. */
export type RenewOutcome =
  | { state: 'done'; lastSync?: string; expiresAt?: string }
  /**
   * Not there yet (the MDM is syncing, or its list does not show the new expiry yet): look again. `syncing`: the MDM
   * said it is syncing. `unfinished`: what to say if it is still pending when the follow ends.
   */
  | { state: 'pending'; syncing?: boolean; unfinished?: Problem }
  | { state: 'failed'; problem: Problem; detail?: string };

/** What the renewal expects, and what the follow saw so far. */
export interface FollowExpectation {
  expiresAt: string;
  since: Date;
  /** The name the admin knows the location by, for the MDM's words. */
  location?: string;
  /** This is the first look after the commit (an error then may be the previous sync's). */
  firstLook?: boolean;
  /** An earlier look saw the MDM syncing. */
  sawSyncing?: boolean;
}

/** A token of this MDM that a file may renew, and how sure the match is. */
export interface FileMatch {
  tokens: MdmToken[];
  strength: 'uid' | 'name';
}

export interface MdmAdapter {
  readonly kind: MdmKind;
  /** How a renewal is written: through the MDM's API (`renew`), or in Addigy's web console (lib/addigy-console). */
  readonly writes: 'api' | 'console';
  /** The writer a renewal goes through (renewal-writer.ts); an adapter without one only reads. */
  readonly writer?: RenewalWriter;
  /** Addigy reports Apple's `uId`; the others are matched by location and organisation name. */
  readonly matchesBy: 'uid' | 'name';
  /** Every token this connection can see. */
  listTokens(): Promise<Result<MdmToken[], MdmProblem>>;
  /** Renew the token `tokenId` with the whole .vpptoken file text (writes: 'api' only). */
  renew?(tokenId: string, fileText: string): Promise<Result<MdmToken | undefined, MdmProblem>>;
  /** Ask the MDM to sync the location's licences with Apple, where it offers that. */
  sync?(tokenId: string): Promise<Result<void, MdmProblem>>;
  /**
   * Take the location over from another MDM server, where the MDM's API offers it (Jamf Pro's reclaim, Intune's
   * claim). Called only after the admin's extra yes, before `renew`.
   */
  reclaim?(tokenId: string): Promise<Result<void, MdmProblem>>;
  /**
   * The MDM stores whatever file it gets without checking its location (Fleet overwrites the row's location,
   * organisation and expiry): the renewal machine sends a file only when Apple confirmed its location name equals
   * the token's, and the file's organisation equals the token's. Apple not asked means nothing is sent.
   */
  readonly requiresAppleVerifiedLocation?: boolean;
  /**
   * Which of its tokens a file is for, where the MDM knows Apple's location identifier (matchesBy 'uid'). A refusal
   * is the MDM's own words (no such location, or several it cannot tell apart). Name matching is the pipeline's.
   */
  matchFile?(tokens: MdmToken[], file: { apple?: { uId: string }; orgName: string; locationName?: string }): Result<FileMatch, Problem<'no-match' | 'ambiguous'>>;
  /** Reads the token as listed after a renewal: done, not yet, or failed (in plain words, with what to do). */
  outcome(token: MdmToken, expected: FollowExpectation): RenewOutcome;
}

/** A connection of Options' list, as the renewal pipeline asks it: its adapter, with its writer. */
export interface RenewalConnection {
  connection: { id: string; kind: MdmKind; name: string };
  adapter(onRetry: OnRetry): MdmAdapter;
}

/** What a caller is told when a request is retried after a pause. */
export type RetryNotice = { attempt: number; delayMs: number; reason: string };

export type OnRetry = (notice: RetryNotice) => void;

// The date helpers every MDM's answers go through, with Addigy's client and the renewal machine.
export { isoInstant, sameDay, sameInstant } from '../dates/iso-instant';

/** A write that failed without a clear answer (a 5xx, a timeout, a lost connection): it may have landed. */
export function uncertainWrite(problem: { kind: string } | undefined): boolean {
  return problem?.kind === 'server-error' || problem?.kind === 'timeout' || problem?.kind === 'unreachable';
}
