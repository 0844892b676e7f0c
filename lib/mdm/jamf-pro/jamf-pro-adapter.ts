import type * as z from 'zod/mini';
import { err, ok, type Result } from '../../result';
import {
  isoInstant,
  sameDay,
  sameInstant,
  type MdmAdapter,
  type MdmProblem,
  type MdmToken,
  type RenewOutcome,
} from '../mdm-adapter';
import { MdmHttp, transportOf, type MdmTransportOptions, normaliseServerUrl, type MdmRequest, type StatusProblem } from '../mdm-http';
import { jamfAccessTokenSchema, jamfLocationPageSchema, jamfLocationSchema, type JamfLocation } from './schemas';
import { t } from '../../i18n/messages';

/**
 * Jamf Pro's API for Apple Apps and Books location tokens ("volume purchasing locations"), with an API client's
 * OAuth client credentials (see docs/mdm/jamf-pro.md). Runs in the background worker, which holds the secret.
 */

const LABEL = 'Jamf Pro';

export const JAMF_PATHS = {
  token: '/api/oauth/token',
  locations: '/api/v1/volume-purchasing-locations',
  /** Jamf Pro API: "Reclaim a Volume Purchasing Location with the supplied id", answers 202 (developer.jamf.com). */
  reclaim: (id: string) => `/api/v1/volume-purchasing-locations/${encodeURIComponent(id)}/reclaim`,
} as const;

export const JAMF_PAGE_SIZE = 100;
/** A guard against a server whose `totalCount` never comes true: 200 pages of 100. */
const MAX_PAGES = 200;
/** A cached access token is replaced this long before Jamf Pro says it expires. */
export const TOKEN_REFRESH_MARGIN_MS = 30_000;
/** When Jamf Pro does not say how long its access token lasts. */
const DEFAULT_TOKEN_SECONDS = 60;

export const JAMF_PRIVILEGES = ['Read Volume Purchasing Locations', 'Update Volume Purchasing Locations'] as const;
const API_CLIENT_STEP = t('problemInJamfProOpenSettingsSystem', JAMF_PRIVILEGES[0], JAMF_PRIVILEGES[1]);
/** What to do when Apple says another server uses the location (Jamf's `clientContextMismatch`). */
export const RECLAIM_STEP =
  t('problemInJamfProOpenSettingsGlobal');
export const OTHER_SERVER_DETAIL = t('problemInUseByAnotherServerApple');

export interface JamfProConfig extends MdmTransportOptions {
  /** `https://acme.jamfcloud.com`, or a self-hosted Jamf Pro's address. */
  serverUrl: string;
  clientId: string;
  clientSecret: string;
  /** Milliseconds since the epoch: decides when the access token is stale and when a token has expired. */
  now?: () => number;
}

interface AccessToken {
  value: string;
  /** Milliseconds since the epoch, as Jamf Pro said (`expires_in`). */
  expiresAt: number;
}

export class JamfProAdapter implements MdmAdapter {
  readonly kind = 'jamf-pro' as const;
  readonly writes = 'api' as const;
  readonly matchesBy = 'name' as const;

  private readonly baseUrl: string | undefined;
  private readonly clientId: string;
  private readonly clientSecret: string;
  private readonly now: () => number;
  private readonly http: MdmHttp;
  private accessToken?: AccessToken;
  /** The last access token issued, kept for redaction after it is dropped. */
  private lastAccessToken?: string;
  /** One token request at a time: calls made together share it. */
  private pendingToken?: Promise<Result<AccessToken, MdmProblem>>;

  constructor(config: JamfProConfig) {
    this.baseUrl = normaliseServerUrl(String(config.serverUrl ?? ''));
    this.clientId = String(config.clientId ?? '').trim();
    this.clientSecret = String(config.clientSecret ?? '').trim();
    this.now = config.now ?? Date.now;
    this.http = new MdmHttp({
      label: LABEL,
      secrets: () => [this.clientSecret, this.clientId, this.lastAccessToken],
      ...transportOf(config),
    });
  }

  /** Every volume purchasing location, page by page. */
  async listTokens(): Promise<Result<MdmToken[], MdmProblem>> {
    const settings = this.settingsProblem();
    if (settings) return err(settings);
    const tokens: MdmToken[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const request: MdmRequest = {
        method: 'GET',
        url: `${this.baseUrl}${JAMF_PATHS.locations}?page=${page}&page-size=${JAMF_PAGE_SIZE}`,
        headers: { Accept: 'application/json' },
        doing: t('problemListingTheVolumePurchasingLocations'),
      };
      const answer = await this.authed(request, apiStatusProblem);
      if (!answer.ok) return answer;
      const parsed = this.parse(request, jamfLocationPageSchema, answer.value.text, answer.value.status);
      if (!parsed.ok) return parsed;
      const { results, totalCount } = parsed.value;
      for (const location of results) tokens.push(this.toToken(location));
      const done =
        results.length === 0 ||
        (typeof totalCount === 'number' ? tokens.length >= totalCount : results.length < JAMF_PAGE_SIZE);
      if (done) return ok(tokens);
    }
    return ok(tokens);
  }

  /** Replaces the location's service token with the whole file text (trimmed of surrounding whitespace only). */
  async renew(tokenId: string, fileText: string): Promise<Result<MdmToken | undefined, MdmProblem>> {
    const settings = this.settingsProblem();
    if (settings) return err(settings);
    const text = String(fileText ?? '').trim();
    if (!text) {
      return err({
        kind: 'refused',
        message: t('problemTheTokenFileIsEmptySo'),
        nextStep: t('problemDownloadTheTokenAgainFromApple'),
        transient: false,
      });
    }
    const request: MdmRequest = {
      method: 'PATCH',
      url: `${this.baseUrl}${JAMF_PATHS.locations}/${encodeURIComponent(tokenId)}`,
      headers: { Accept: 'application/json', 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify({ serviceToken: text }),
      doing: t('problemSavingTheNewTokenInThe'),
      secrets: [text, fileText],
    };
    const answer = await this.authed(request, renewStatusProblem);
    if (!answer.ok) return answer;
    // The location is saved: a body Token Relay cannot read does not undo that, so it is not a failure.
    let body: unknown;
    try {
      body = answer.value.text.trim() ? JSON.parse(answer.value.text) : undefined;
    } catch {
      return ok(undefined);
    }
    const location = jamfLocationSchema.safeParse(body);
    return ok(location.success ? this.toToken(location.data) : undefined);
  }

  /**
   * Takes the location over for this Jamf Pro server when another MDM server uses it (`clientContextMismatch`):
   * `POST …/{id}/reclaim`, which Jamf Pro answers 202 with no body. Only after the admin's extra yes.
   */
  async reclaim(tokenId: string): Promise<Result<void, MdmProblem>> {
    const settings = this.settingsProblem();
    if (settings) return err(settings);
    const request: MdmRequest = {
      method: 'POST',
      url: `${this.baseUrl}${JAMF_PATHS.reclaim(tokenId)}`,
      headers: { Accept: 'application/json' },
      doing: t('problemReclaimingTheVolumePurchasingLocationFor'),
    };
    // Its rights and a gone location read as for the renew; any other refusal keeps Jamf Pro's own words.
    const answer = await this.authed(request, (status, detail, req) =>
      status === 400 || status === 422 ? undefined : renewStatusProblem(status, detail, req),
    );
    return answer.ok ? ok(undefined) : answer;
  }

  outcome(token: MdmToken, expected: { expiresAt: string; since: Date }): RenewOutcome {
    if (token.state === 'other-server') {
      return {
        state: 'failed',
        problem: {
          kind: 'other-server',
          message: t('problemJamfProSaysAnotherMDMServer', token.locationName ?? t('problemThisLocation')),
          nextStep: RECLAIM_STEP,
        },
        ...(token.stateDetail ? { detail: token.stateDetail } : {}),
      };
    }
    if (sameExpiry(token.expiresAt, expected.expiresAt)) {
      return {
        state: 'done',
        ...(token.lastSync ? { lastSync: token.lastSync } : {}),
        ...(token.expiresAt ? { expiresAt: token.expiresAt } : {}),
      };
    }
    return { state: 'pending' };
  }

  private toToken(location: JamfLocation): MdmToken {
    const expiresAt = isoInstant(location.tokenExpiration);
    const lastSync = isoInstant(location.lastSyncTime);
    const locationName = location.locationName?.trim() || location.name?.trim() || undefined;
    const token: MdmToken = {
      id: location.id,
      ...(locationName ? { locationName } : {}),
      ...(location.organizationName?.trim() ? { orgName: location.organizationName.trim() } : {}),
      ...(location.appleId?.trim() ? { appleId: location.appleId.trim() } : {}),
      ...(expiresAt ? { expiresAt } : {}),
      ...(lastSync ? { lastSync } : {}),
      state: 'ok',
    };
    if (location.clientContextMismatch === true) return { ...token, state: 'other-server', stateDetail: OTHER_SERVER_DETAIL };
    if (expiresAt && Date.parse(expiresAt) <= this.now()) return { ...token, state: 'expired' };
    return token;
  }

  /**
   * A call with the access token. A 401 with a cached token (Jamf Pro may have dropped it early) gets a
   * fresh token and one more try; a 401 with a token just issued is a real refusal.
   */
  private async authed(request: MdmRequest, statusProblem: StatusProblem) {
    for (let tries = 0; ; tries++) {
      const wasCached = this.hasFreshToken();
      const token = await this.token();
      if (!token.ok) return token;
      const answer = await this.http.send(
        { ...request, headers: { ...request.headers, Authorization: `Bearer ${token.value.value}` } },
        statusProblem,
      );
      if (answer.ok || answer.error.status !== 401 || !wasCached || tries > 0) return answer;
      if (this.accessToken === token.value) this.accessToken = undefined;
    }
  }

  private hasFreshToken(): boolean {
    return !!this.accessToken && this.now() < this.accessToken.expiresAt - TOKEN_REFRESH_MARGIN_MS;
  }

  private async token(): Promise<Result<AccessToken, MdmProblem>> {
    if (this.hasFreshToken()) return ok(this.accessToken!);
    this.pendingToken ??= this.requestToken().finally(() => {
      this.pendingToken = undefined;
    });
    return this.pendingToken;
  }

  private async requestToken(): Promise<Result<AccessToken, MdmProblem>> {
    this.accessToken = undefined;
    const request: MdmRequest = {
      method: 'POST',
      url: `${this.baseUrl}${JAMF_PATHS.token}`,
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: this.clientId,
        client_secret: this.clientSecret,
      }).toString(),
      doing: t('problemGettingAnAccessTokenForThe'),
      idempotent: true,
    };
    const startedAt = this.now();
    const answer = await this.http.send(request, tokenStatusProblem);
    if (!answer.ok) return answer;
    const parsed = this.parse(request, jamfAccessTokenSchema, answer.value.text, answer.value.status);
    if (!parsed.ok) return parsed;
    if (parsed.value.token_type && parsed.value.token_type.toLowerCase() !== 'bearer') {
      return err(this.http.badResponse(request, `The access token is of type “${parsed.value.token_type}”, not Bearer.`, answer.value.status));
    }
    const seconds = parsed.value.expires_in ?? DEFAULT_TOKEN_SECONDS;
    this.lastAccessToken = parsed.value.access_token;
    this.accessToken = { value: parsed.value.access_token, expiresAt: startedAt + Math.max(0, seconds) * 1000 };
    return ok(this.accessToken);
  }

  private parse<S extends z.ZodMiniType>(request: MdmRequest, schema: S, text: string, status: number): Result<z.infer<S>, MdmProblem> {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return err(this.http.badResponse(request, 'The answer is not JSON.', status));
    }
    const parsed = schema.safeParse(body);
    if (parsed.success) return ok(parsed.data as z.infer<S>);
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    return err(this.http.badResponse(request, `Unexpected data${where}: ${issue?.message ?? 'invalid'}.`, status));
  }

  private settingsProblem(): MdmProblem | undefined {
    if (!this.baseUrl) {
      return {
        kind: 'bad-settings',
        message: t('problemTheJamfProServerAddressOf'),
        nextStep: t('problemOpenTokenRelaysOptionsAndEnter'),
        transient: false,
      };
    }
    if (!this.clientId || !this.clientSecret) {
      return {
        kind: 'bad-settings',
        message: t('problemThisJamfProConnectionHasNo'),
        nextStep: t('problemCreateAnAPIClientInJamf', JAMF_PRIVILEGES[0], JAMF_PRIVILEGES[1]),
        transient: false,
      };
    }
    return undefined;
  }
}

/** Same second, or the same day when Jamf Pro reports the date only (read back as midnight UTC). */
function sameExpiry(listed: string | undefined, expected: string): boolean {
  if (sameInstant(listed, expected)) return true;
  return !!listed && /T00:00:00(?:\.0+)?Z$/.test(listed) && sameDay(listed, expected);
}

/** The token call: 401, or 400 `invalid_client`, means the client ID or secret is wrong. */
const tokenStatusProblem: StatusProblem = (status, detail) => {
  if (status !== 401 && !(status === 400 && /invalid_client/i.test(detail ?? ''))) return undefined;
  return {
    kind: 'unauthorized',
    message: t('problemJamfProDidNotAcceptThe'),
    nextStep: API_CLIENT_STEP,
    transient: false,
  };
};

/** The API calls: 401 with a token Jamf Pro just issued, and 403, point at the API client and its role. */
const apiStatusProblem: StatusProblem = (status, _detail, request) => {
  if (status === 401) {
    return {
      kind: 'unauthorized',
      message: t('problemJamfProDidNotAcceptThe2', request.doing),
      nextStep: API_CLIENT_STEP,
      transient: false,
    };
  }
  if (status === 403) {
    return {
      kind: 'forbidden',
      message: t('problemJamfProAcceptedTheAPIClient', request.doing),
      nextStep: t('problemInJamfProOpenSettingsSystem2', JAMF_PRIVILEGES[0], JAMF_PRIVILEGES[1]),
      transient: false,
    };
  }
  return undefined;
};

/** The renew call adds Jamf Pro refusing the file itself (400/422) and the location being gone (404). */
const renewStatusProblem: StatusProblem = (status, detail, request) => {
  const own = apiStatusProblem(status, detail, request);
  if (own) return own;
  if (status === 400 || status === 422) {
    return {
      kind: 'refused',
      message: t('problemJamfProRefusedTheTokenFile', status, detail ? t('problemJamfProSaid', detail) : ''),
      nextStep:
        t('problemCheckThatTheFileIsThe'),
      transient: false,
    };
  }
  if (status === 404) {
    return {
      kind: 'not-found',
      message: t('problemJamfProNoLongerHasThis'),
      nextStep: t('problemReopenThePopupToReadThe'),
      transient: false,
    };
  }
  return undefined;
};
