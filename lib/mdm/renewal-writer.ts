import * as z from 'zod/mini';
import type { Problem, Result } from '../result';
import type { MdmAdapter, MdmProblem } from './mdm-adapter';
import type { PageOutline } from '../page-report/outline-schema';

/**
 * How a renewal is written to an MDM: the one boundary between the renewal pipeline (lib/renewal) and a transport.
 * The pipeline only ever says: write this file to that token (`prepare`), here is what the MDM showed — may I go on
 * (the admin's confirmation, between `prepare` and `commit`), `commit`, and follow it (the adapter's `outcome`).
 * Two writers implement it: ApiRenewalWriter (an MDM's own renew call) and Addigy's console writer (its web console).
 */

/** What the MDM shows about the token before the write is committed: the admin checks these. */
export const mdmDetailsSchema = z.object({ idNumber: z.string(), name: z.string(), appleId: z.string(), organization: z.string() });
export type MdmDetails = z.infer<typeof mdmDetailsSchema>;

/**
 * Where a write that happens in a page stands: the tab, the step the page reported, and since when (every step is
 * bounded). The renewal record keeps it (as `console`, its name since the first version); only its writer reads it.
 */
export const writeSessionSchema = z.object({
  /** The tab Token Relay opened; the only page that may be handed the token. */
  tabId: z.optional(z.number()),
  /** The step the page reported last (the writer's own vocabulary). */
  phase: z.optional(z.string()),
  /** When the current step began (ISO): every step is bounded. */
  since: z.string(),
  /** The page asked the admin to sign in: waiting for that, within a bound. */
  signInSince: z.optional(z.string()),
  /** When the page was given this renewal's file: the MDM's answers before then are not about it. */
  fileHandedAt: z.optional(z.string()),
  /** The page did not match what Token Relay knows: the admin is guided through it. `say`: what to do next. */
  guide: z.optional(z.object({ say: z.string(), since: z.string() })),
  /** The MDM's own words on the page after the hand-over (redacted), when they were not a refusal it recognised. */
  answer: z.optional(z.string()),
  /** The admin confirms in the MDM's own window: the MDM's list says when it is done. */
  confirmInPage: z.optional(z.boolean()),
  /** What could be read of the MDM's window without knowing its markup (empty strings where nothing). */
  details: z.optional(mdmDetailsSchema),
  /** The way the admin took through the page (no values), kept for the next renewal once this one succeeds. */
  learnedPath: z.optional(z.object({ route: z.string(), controls: z.array(z.string()) })),
  /** The part of `learnedPath` from pages before the current one. */
  pathBase: z.optional(z.array(z.string())),
});
export type WriteSession = z.infer<typeof writeSessionSchema>;

/** The renewal steps a write passes through (the record's own step names). */
export type WriteStep = 'handing-over' | 'previewed' | 'awaiting-confirmation' | 'renewing';
export const WRITE_STEPS: readonly WriteStep[] = ['handing-over', 'previewed', 'awaiting-confirmation', 'renewing'];

/** A failure in the writer's own words, as the renewal keeps it. */
export interface WriteFailure extends Problem {
  detail?: string;
  /** Retry can finish the renewal with the same token. */
  retryable: boolean;
  /** The step it failed at, when not the step the renewal is in. */
  step?: WriteStep | 'matched';
}

/** The facts of one renewal's write. Never the token text: that is given to `commit`, or asked for by the page. */
export interface WriteJob {
  renewalId: string;
  /** The MDM's token, as its list named it. */
  token: { id: string; policyId?: string; locationName?: string; orgName?: string; appleId?: string };
  /** The name the admin knows the location by. */
  location: string;
  /** `sToken_for_<location>.vpptoken`, never the name Apple's page gave the download. */
  uploadFileName: string;
  /** The file as it is on disk, for the manual steps. */
  downloadedFileName?: string;
  /** What the file says: the MDM must come to show this expiry. */
  file: { expiresAt: string };
  connectionName: string;
  session?: WriteSession;
  /** When the renewal last changed step (a session without `since` counts from then). */
  updatedAt: string;
}

/** The pipeline's side of a write in progress: the writer keeps its session in the renewal through it. */
export interface WriteIo {
  readonly session: WriteSession | undefined;
  saveSession(session: WriteSession): Promise<void>;
}

export type PrepareResult =
  /** The MDM's details are known now (its API lists them): ask the admin. */
  | { shown: MdmDetails }
  /** The file is on its way to the MDM's page; its details come later (WriteHost.shown). */
  | { started: Partial<WriteSession> };

/** `landed`: the MDM holds the file. Otherwise its answer comes later (WriteHost.committed, or `recover`). */
export type CommitResult = { landed: true } | { landed: false };

/** What to do with a commit whose answer was lost (a restarted worker, a page closed after it, a Retry). */
export type RecoverDecision =
  | { kind: 'landed'; renewedAt?: string }
  /** Send it again; `recheckApple`: first ask Apple whether the file still works (the last try may have landed). */
  | { kind: 'recommit'; recheckApple: boolean }
  | { kind: 'wait' }
  | { kind: 'not-landed'; failure: WriteFailure }
  | { kind: 'unknown'; problem: MdmProblem };

export interface RenewalWriter {
  /** Preparing hands the file to the MDM's page: a location another MDM holds needs the admin's yes before it. */
  readonly preparesWithFile: boolean;
  /** The popup waits for `commit` (a press in an open page); otherwise the commit runs on after the reply. */
  readonly commitAnswersAtOnce: boolean;
  /** A token this writer cannot write at all, said before anything is handed over. */
  cannotWrite?(job: WriteJob): WriteFailure | undefined;
  /** Write this file to that token: the MDM's details now, or the page started. */
  prepare(job: WriteJob, io: WriteIo): Promise<Result<PrepareResult, WriteFailure>>;
  /** The admin said yes: commit. `reclaim`: take the location over from another MDM first (then `reclaimed`). */
  commit(
    job: WriteJob,
    fileText: string,
    io: WriteIo,
    options: { reclaim: boolean; reclaimed(): Promise<void> },
  ): Promise<Result<CommitResult, MdmProblem | WriteFailure>>;
  /** A commit whose answer is unknown: `resumed` after a worker restart, else a Retry (`lastFailure` its failure). */
  recover(
    job: WriteJob,
    situation: { resumed: boolean; lastFailure?: { kind: string }; adapter: MdmAdapter },
  ): Promise<RecoverDecision>;
  /** A write being prepared when the worker restarted (or on a resume alarm): `restart` hands it over again. */
  resumePrepare?(job: WriteJob, step: WriteStep): Promise<'wait' | 'restart' | WriteFailure>;
  /** The renewal is done: what the writer learned on the way may be kept. */
  finished?(job: WriteJob): Promise<void>;
}

/** A write under way, as a writer's page sees it. */
export interface WriteView {
  renewalId: string;
  step: WriteStep;
  job: WriteJob;
}

/**
 * The pipeline, as a writer whose page reports on its own (Addigy's console tab) talks to it. Each call checks the
 * renewal's step itself: a report at the wrong step changes nothing.
 */
export interface WriteHost {
  /** The write under way whose session matches, if any. */
  findWrite(match: (view: WriteView) => boolean): Promise<WriteView | undefined>;
  writeOf(renewalId: string): Promise<WriteView | undefined>;
  /** The page asks for the file while it is being prepared; `session` is saved with the hand-over. */
  handFile(renewalId: string, session: WriteSession): Promise<string | undefined>;
  /** The page moved on while preparing; `pageReport`, when given, is kept for "Save a page report". */
  progressed(renewalId: string, session: WriteSession, extra?: { pageReport?: { site: 'addigy' | 'apple'; outline: PageOutline } }): Promise<void>;
  /** The MDM showed its details for this file: the admin is asked. */
  shown(renewalId: string, details: MdmDetails, session: WriteSession): Promise<void>;
  /** The MDM took the file (`by` the admin in the MDM's own window, or Token Relay). */
  committed(renewalId: string, by: 'token-relay' | 'admin'): Promise<void>;
  /** The write failed; `pageReport`, when given, replaces the outline of the page where a step was not found. */
  failed(renewalId: string, failure: WriteFailure, extra?: { pageReport?: { site: 'addigy' | 'apple'; outline: PageOutline } }): Promise<void>;
  /** The page is gone after the commit: find out whether it landed. */
  recover(renewalId: string): void;
  /**
   * The MDM's page will not say when it is done (the admin confirms in it): follow the MDM's list from the hand-over
   * until the file shows there (its `outcome` done), within `boundMs`, else fail with `notTaken`.
   */
  followFromHandOver(renewalId: string, boundMs: number, notTaken: WriteFailure): void;
}
