/** Types for index.mjs, so TypeScript tests and e2e scripts can import the sandbox without a TS loader. */

export type Site = 'business' | 'school';
/**
 * Which Addigy API call a request was. 'preview-renewal', 'renew' and 'request-sync' are the contract's old
 * guesses (calls 2-4): still recognised so tests can assert they are never made, and answered 404 as by Addigy.
 */
export type AddigyCall = 'list-tokens' | 'preview-renewal' | 'renew' | 'request-sync' | 'list-token-events';

/** Switches for the console stand-in (app.addigy.com), cleared by reset(). */
export type ConsoleVariant =
  /** The tokens have no Renew button. */
  | 'no-renew'
  /**
   * Issue 19: markup before the app's root (a shown upload window in a form posting to elsewhere.example, a look-alike
   * confirmation) under a script-blocking CSP, and unseen windows (off-screen, clipped, zero-size) opening with Renew's.
   */
  | 'hostile-markup'
  /** Modal windows have no role="dialog" / aria-modal. */
  | 'dialog-without-role'
  /** The Renew window has no file input: its drop zone reads `event.dataTransfer.files`. */
  | 'drop-only'
  /** Tokens as cards instead of a table. */
  | 'cards'
  /** Every upload is refused as an identifier mismatch (IDENTIFIER_MISMATCH_ERROR). */
  | 'refuse-identifier'
  /** The confirmation window opens `delayMs` (default 1500) after the Renew window's Save. */
  | 'slow-confirmation'
  /**
   * Issue 21: a second console layout that shares none of page-knowledge.ts's words, routes or markup
   * (tests/sandbox/addigy-console-unfamiliar-app.js). The model's /policies/<id> lists "Configurations"; the tokens
   * are at /configs/<id>?pane=store (pill "Volume Purchase", heading "App Store licences"), each in a box with an
   * "Upload new token" link; an inline form (file input, "Upload" button), then an inline check (dl: Site, Company,
   * Account, Identifier) with "Confirm"; no ARIA roles; errors in `div.notification.is-danger` without a role.
   * With 'refuse-identifier' it shows that refusal in its own words.
   */
  | 'unfamiliar'
  /**
   * With 'unfamiliar': a page script adds a shown `<input type=file>` (top right, "Quick upload") that no click
   * asked for, 300 ms after anything else adds an element to the page (Token Relay's guide) or after `delayMs`
   * (default 15000). Whatever it is given is posted and recorded as an upload `via: 'late-input'`.
   */
  | 'late-input';

/** A token file the console stand-in was given. */
export interface ConsoleUpload {
  at: number;
  locationId: string;
  policyId: string;
  fileName: string;
  /** The file's text as the page read it and posted it. */
  text: string;
  /** 'preview': the Renew window's Save (shows the confirmation); 'saved': the confirmation's Save. */
  stage: 'preview' | 'saved';
  /** False when the console refused it (red error box). */
  accepted: boolean;
  /** Given to the late-input variant's stray file input (never accepted). */
  via?: 'late-input';
}

export interface MdmInfo {
  id: string;
  name: string;
  metadata: string;
}

export interface AppleLocation {
  uId: string;
  locationName: string;
  orgName: string;
  site: Site;
  countryISO2ACode: string;
  defaultPlatform: string;
  /** Which MDM Apple says manages the location; null when none has claimed it. */
  mdmInfo: MdmInfo | null;
}

/** A token Apple issued. `token` is the inner opaque id of the file. */
export interface AppleTokenRecord {
  token: string;
  uId: string;
  orgName: string;
  /** As in the file, e.g. `2030-11-08T22:33:22+0000`. */
  expDate: string;
  revoked: boolean;
  issuedAt: number;
}

export interface AddigyToken {
  locationId: string;
  policyId: string;
  inheritedFrom: string | null;
  forceOnPolicyTree: boolean;
  active: boolean;
  orgName: string;
  lastSync: string;
  lastSyncingStatus: string;
  syncing: boolean;
  errMsg: string | null;
  version: string | number;
  clientConfig: {
    uId: string;
    locationName: string;
    countryISO2ACode: string;
    defaultPlatform: string;
    websiteURL: string;
    mdmInfo?: MdmInfo;
    subscribedNotificationTypes: string[];
    tokenExpirationDate: string;
  };
  /** Top-level expiry (ISO), as in the current published spec; moved by a console Save. */
  expDate: string;
  /** Private to Addigy: shown by the console's confirmation window, never by the list. */
  appleId: string;
  idNumber: string;
  /** The file text Addigy holds for the location; a scan asks Apple about it. */
  tokenText: string | null;
}

export interface SandboxState {
  locations: AppleLocation[];
  appleTokens: AppleTokenRecord[];
  addigyTokens: AddigyToken[];
  /** Addigy's system events; push to add some. */
  systemEvents: Record<string, unknown>[];
  /** Requested scans by locationId: how many more list polls will still show `syncing: true`. */
  pendingScans: Record<string, { pollsLeft: number; requestedAt: number }>;
  /** Names the console shows for policies a seed added (seedDistrict). */
  policyNames?: Record<string, string>;
  /** List polls a scan shows `syncing: true` unless a fault says otherwise (default 1). */
  scanPolls?: number;
}

/** One location seedDistrict added. */
export interface DistrictLocation {
  uId: string;
  locationName: string;
  /** Addigy's id for its token. */
  locationId: string;
  policyId: string;
  /** Days until the seeded token expires: 3..29 for the due ones, 200 for the rest. */
  daysLeft: number;
  due: boolean;
}

export interface DistrictOptions {
  /** Locations (default 12). */
  count?: number;
  /** How many of them expire within 30 days (default 11); the first ones, soonest first. */
  dueCount?: number;
  site?: Site;
  /** Default 'Springfield District'. */
  orgName?: string;
  /** Policies the tokens are spread over, round robin (default 1). */
  policies?: number;
  /** List polls a scan shows `syncing` (sets state.scanPolls). */
  scanPolls?: number;
  now?: number;
}

/**
 * Issue 22's organisation with many locations, added to a seed: each location on one Apple site and an Addigy token
 * (ID number = its uId, name = location, organisation = orgName) holding Apple's current file. Use inside `seed`.
 */
export function seedDistrict(state: SandboxState, options?: DistrictOptions): DistrictLocation[];

export interface RecordedRequest {
  host: string;
  method: string;
  /** Path with query. */
  path: string;
  /** Lower-case names, as Node gives them. */
  headers: Record<string, string | string[] | undefined>;
  body: string;
  at: number;
  /** HTTP status sent; absent while a request hangs. */
  status?: number;
  /** For api.addigy.com: which contract call the request was (null when none). */
  call?: AddigyCall | null;
}

export interface AddigyFault {
  /** HTTP status to answer with; the body is `{code, message}` unless `body` is given (a string goes out as plain text). */
  status?: number;
  /** Requests it applies to before it is used up. Default 1. */
  times?: number;
  retryAfter?: number | string;
  body?: unknown;
  /** Never answer; the socket stays open until close(). */
  hang?: boolean;
}

export interface AppleFault {
  /** HTTP status; without errorNumber and >= 400 the body is plain text. */
  status?: number;
  /** Apple error body `{errorNumber, errorMessage}`, with HTTP 200 unless `status` is given. */
  errorNumber?: number;
  times?: number;
  retryAfter?: number | string;
  hang?: boolean;
}

export interface Sandbox {
  port: number;
  origin(host: string): string;
  /** For Chromium's --host-resolver-rules. */
  hostResolverRules: string;
  apiKey: string;
  state: SandboxState;
  requests: RecordedRequest[];
  /** Addigy requests, optionally only one call or those passing a predicate. */
  addigyRequests(filter?: AddigyCall | ((request: RecordedRequest) => boolean)): RecordedRequest[];
  /** Requests to Apple's Apps and Books API. */
  appleRequests(): RecordedRequest[];
  /** Successful token mints and https downloads made by the Apple pages, optionally for one location. */
  tokenDownloads(uId?: string): RecordedRequest[];
  /** The newest file Apple issued for the location, exactly as its Download handed it over. */
  appleFile(uId: string): string | undefined;
  /** What a Download click produces: a new token file text; the location's earlier tokens are revoked. */
  mintToken(uId: string): string;
  /** A token file text that revokes nothing (expired: its expDate is a day ago). */
  tokenFor(uId: string, options?: { expired?: boolean; orgName?: string; extraKeys?: Record<string, unknown> }): string;
  /** Every token of the location stops working (as after a password change). */
  revoke(uId: string): void;
  /** Apple reports another MDM; null hands the location back (to Addigy when Addigy knows it). */
  setOtherMdm(uId: string, name: string | null): void;
  /** Every token file given to the console stand-in, oldest first. */
  consoleUploads(): ConsoleUpload[];
  /** The renewals the console saved (confirmation's Save, accepted), oldest first, optionally for one Apple uId. */
  consoleSaves(uId?: string): Array<ConsoleUpload & { uId: string }>;
  /** Other MDMs' stand-ins (tests/sandbox/jamf-pro.mjs, fleet.mjs, microsoft.mjs): their state, read and steered by tests. */
  jamf: MdmStandIn & { locations: Array<Record<string, unknown>>; accessTokenSeconds: number; reclaims: Array<{ id: string; at: number }> };
  fleet: MdmStandIn & { tokens: Array<Record<string, unknown>>; premium: boolean };
  microsoft: MdmStandIn & {
    tokens: Array<Record<string, unknown>>;
    signIns: Array<{ pkceMatched?: boolean; origin?: string } & Record<string, unknown>>;
    redirectUris: string[];
    authorizeError?: boolean | string;
    vppTokens: Array<Record<string, unknown>>;
    claims: Array<{ tokenId: string; at: number; version: string }>;
  };
  /** An MSP's Addigy organisations: each API key sees only its organisations' tokens, until reset(). */
  addigyOrgs(keys: Record<string, string[]>): void;
  /** Requests to one host, oldest first. */
  requestsTo(host: string): RecordedRequest[];
  console: {
    /** app.addigy.com pages then 302 to `https://login.addigy.com/?return_to=<url>` until its form is submitted. */
    signOut(): void;
    /** Back to the default: no session needed. */
    signIn(): void;
    variant(name: ConsoleVariant, options?: { delayMs?: number }): void;
    /** Addigy's page is back to normal, the rest of the world as it is. */
    clearVariants(): void;
    /**
     * Until reset or accept(), every file for this one token (Addigy locationId or Apple uId) is refused with `error`
     * (default IDENTIFIER_MISMATCH_ERROR) in the console's red box; the other tokens renew as usual.
     */
    refuse(key: string, error?: string): void;
    /** The console takes that token's files again. */
    accept(key: string): void;
  };
  faults: {
    addigy(call: AddigyCall | '*', fault: AddigyFault): void;
    apple(fault: AppleFault): void;
    /** Scans of this token end with this errMsg until reset; null clears it. */
    scanError(locationId: string, errMsg: string | null): void;
    /** How many list polls still show `syncing: true` after a scan starts (a console Save or Scan Now; default 1; 0 = the next poll shows the outcome). */
    syncingPolls(locationId: string, n: number): void;
  };
  /** Back to the default seed (a fresh one: new token texts), no requests, no faults. */
  reset(): void;
  close(): Promise<void>;
}

export interface SandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Adjusts the default seed; runs at start and on every reset(). */
  seed?: (state: SandboxState) => void;
  apiKey?: string;
}

export const DEFAULT_API_KEY: string;
export const SANDBOX_HOSTS: readonly string[];
export const JAMF_HOST: string;
export const JAMF_CLIENT_ID: string;
export const JAMF_CLIENT_SECRET: string;
export const FLEET_HOST: string;
export const FLEET_API_TOKEN: string;
export const MS_LOGIN_HOST: string;
export const MS_GRAPH_HOST: string;
export const INTUNE_TENANT_ID: string;
export const INTUNE_CLIENT_ID: string;

/** A file an MDM stand-in's renew call was given. */
export interface MdmUpload {
  tokenId: string;
  /** The file text exactly as received. */
  text: string;
  at: number;
  /** The Authorization header it came with. */
  auth: string;
  fileName?: string;
}

export interface MdmFault {
  route?: string;
  status?: number;
  times: number;
  retryAfter?: number | string;
  hang?: boolean;
  body?: unknown;
}

export interface MdmStandIn {
  uploads: MdmUpload[];
  faults: MdmFault[];
}
export const REVOKED_SCAN_ERROR: string;
export const EXPIRED_SCAN_ERROR: string;
/** The console's red box for a file of another location. */
export const IDENTIFIER_MISMATCH_ERROR: string;
/** The console's red box for an expired or revoked file, and for Scan Now on a dead token. */
export const SYNC_ERROR: string;
/** The session cookie login.addigy.com sets (Domain=addigy.com). */
export const SESSION_COOKIE: string;
export const CONSOLE_VARIANTS: readonly ConsoleVariant[];

export function startSandbox(options?: SandboxOptions): Promise<Sandbox>;

/** base64(JSON) exactly like Apple's file; expDate like `2030-11-08T22:33:22+0000`. */
export function makeVppTokenText(fields: { token: string; orgName: string; expDate: string } & Record<string, unknown>): string;
export function decodeVppTokenText(text: string): { token: string; expDate: string; orgName: string } | null;
/** Apple's date style: `2030-11-08T22:33:22+0000`. */
export function formatAppleDate(ms: number): string;
